/**
 * The test suite's OpenAI-compatible server (test/oracle/helpers/fakeOpenAiServer.ts), answering every
 * request at once with a valid evaluation, in a process of its own so that the benchmark measures the
 * node's side only. Prints `{"baseURL": …}` on one line, then serves until its stdin closes.
 */
import { FakeOpenAiServer, evaluationAnswer } from "../../test/oracle/helpers/fakeOpenAiServer";

async function main(): Promise<void> {
  const server = await FakeOpenAiServer.start();
  const answer = evaluationAnswer();
  server.fallback = () => ({ kind: "answer", content: answer });
  // The recorded requests would grow without bound over a benchmark.
  setInterval(() => server.requests.splice(0), 1000).unref();
  console.log(JSON.stringify({ baseURL: server.baseURL }));
  process.stdin.resume();
  process.stdin.on("end", () => void server.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
