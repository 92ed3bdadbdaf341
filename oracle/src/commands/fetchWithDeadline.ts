/**
 * `fetch` for one-shot CLI commands: the request and its JSON body (undefined when it is not JSON)
 * within `ms`, or a rejection. Unlike `AbortSignal.timeout`, whose timer does not keep the process
 * alive, the deadline here is a referenced timer raced against the request: a request that never
 * settles (a peer resetting the connection can leave one pending with no open handle) ends in an
 * error instead of a silent exit with status 0.
 */
export async function fetchJsonWithDeadline(url: URL, ms: number): Promise<{ response: Response; body: unknown }> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`no answer within ${ms} ms`);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  deadline.catch(() => undefined); // raced below; never an unhandled rejection
  try {
    const response = await Promise.race([fetch(url, { signal: controller.signal }), deadline]);
    // Any status may carry JSON (a node that is down answers its health with 503 and the reasons).
    const body = await Promise.race([response.json().catch(() => undefined) as Promise<unknown>, deadline]);
    return { response, body };
  } finally {
    clearTimeout(timer);
  }
}
