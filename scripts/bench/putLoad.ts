/**
 * The load generator of `npm run bench:oracle`, in a process of its own: autocannon PUTs a new text to
 * `<url>/v1/content` on every request (so each one is a write) and prints its result as JSON.
 *
 * Usage: ts-node scripts/bench/putLoad.ts <url> <connections> <seconds> <body bytes> [requests per second]
 * Without a rate it sends as fast as the server answers (throughput); with one, at that fixed overall
 * rate (latency at a given load, corrected for coordinated omission by autocannon).
 */
import { randomUUID } from "node:crypto";

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number; max: number };
  "2xx": number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

interface AutocannonRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- autocannon ships no type declarations: the require states the part used
const autocannon = require("autocannon") as (options: {
  url: string;
  connections: number;
  duration: number;
  overallRate?: number;
  requests: { method: string; headers: Record<string, string>; setupRequest: (request: AutocannonRequest) => AutocannonRequest }[];
}) => Promise<AutocannonResult>;

async function main(): Promise<void> {
  const [url, connections, seconds, bytes, rate] = process.argv.slice(2);
  const filler = "Measured discharge of the Rhine at Lobith, 2,200 m3/s in 2020 (Rijkswaterstaat). ".repeat(64).slice(0, Number(bytes) - 60);
  const result = await autocannon({
    url: `${url}/v1/content`,
    connections: Number(connections),
    duration: Number(seconds),
    ...(rate === undefined ? {} : { overallRate: Number(rate) }),
    requests: [
      {
        method: "PUT",
        headers: { "content-type": "text/plain" },
        setupRequest: (request) => ({ ...request, body: `Measurement ${randomUUID()}. ${filler}` }),
      },
    ],
  });
  console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
