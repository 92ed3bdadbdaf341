/**
 * The app's oracle client against a real loopback HTTP server answering as the API does; the
 * response types are the API's zod schemas (a status outside its enum does not compile).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OracleSubmission, type OracleSubmissionStatus, OracleError, fetchSubmission } from "../src/lib/oracle";

const scored: OracleSubmission = {
  id: "7",
  status: "scored",
  author: "0x" + "11".repeat(20),
  contentHash: "0x" + "22".repeat(32),
  category: 0,
  blockNumber: 12,
  txHash: null,
  scoredOnChain: true,
  evaluator: null,
  score: 70,
  points: 258,
  subScores: null,
  flags: [],
  rationale: null,
  rationaleJson: null,
  batch: null,
};

// @ts-expect-error "done" is not one of the API's submission states
const notAState: OracleSubmissionStatus = "done";

let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const json = (status: number, body: unknown) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (request.url === "/v1/submissions/7") json(200, scored);
    else if (request.url === "/v1/submissions/8") json(404, { error: { code: "not_found", message: "unknown submission" } });
    else json(400, { error: { code: "invalid_parameter", message: "id: must be a submission id" } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("oracle client", () => {
  it("reads a submission as the API types it, null when the node has not seen it, and words an API error", async () => {
    expect(notAState).toBe("done");
    expect(await fetchSubmission(url, 7n)).toEqual(scored);
    expect(await fetchSubmission(url, 8n)).toBeNull();
    const refused = await fetchSubmission(url, 9n).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OracleError);
    expect((refused as Error).message).toBe("Submission 9: id: must be a submission id");
  });
});
