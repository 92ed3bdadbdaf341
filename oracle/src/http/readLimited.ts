/**
 * Reads a response body as UTF-8, refusing one longer than `maxBytes`: a declared `content-length` over
 * the cap is refused before reading, and a body that grows past it is cancelled mid-stream, so a peer
 * cannot make this node buffer more than the cap. `tooLarge` makes the caller's own error.
 */
export async function readLimited(response: Response, maxBytes: number, tooLarge: (details: string) => Error): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? "NaN");
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(`${declared} bytes`);
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(`more than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
