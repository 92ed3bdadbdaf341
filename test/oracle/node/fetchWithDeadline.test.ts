/**
 * The CLI's fetch deadline is a referenced timer: a request that never settles ends in an error
 * instead of letting the process exit with status 0 and nothing printed (seen in CI: `peers` against
 * a stopped node's port sometimes exited 0 silently, because `AbortSignal.timeout`'s timer does not
 * keep the process alive).
 */
import { spawnSync } from "node:child_process";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { expect } from "chai";
import { fetchJsonWithDeadline } from "../../../oracle/src/commands/fetchWithDeadline";

const ROOT = path.resolve(__dirname, "../../..");

describe("fetchJsonWithDeadline (CLI requests)", function () {
  it("rejects a request nobody answers once the deadline passes, and reads JSON of any status", async function () {
    const silent = net.createServer(() => undefined); // accepts and never answers
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const down = http.createServer((_req, res) => res.writeHead(503, { "content-type": "application/json" }).end('{"status":"down"}'));
    await new Promise<void>((resolve) => down.listen(0, "127.0.0.1", resolve));
    try {
      const started = Date.now();
      let error: unknown;
      await fetchJsonWithDeadline(new URL(`http://127.0.0.1:${(silent.address() as net.AddressInfo).port}/`), 300).catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(Error);
      expect(Date.now() - started).to.be.at.least(250);
      const { response, body } = await fetchJsonWithDeadline(new URL(`http://127.0.0.1:${(down.address() as net.AddressInfo).port}/`), 2000);
      expect(response.status).to.equal(503);
      expect(body).to.deep.equal({ status: "down" });
    } finally {
      silent.close();
      down.close();
    }
  });

  it("keeps a process alive until the deadline: a pending request never ends it with status 0 and no output", function () {
    // A request whose promise never settles and holds no handle (what a reset can leave behind) is
    // simulated by a fetch stub that returns a forever-pending promise.
    const script = `
      require("ts-node").register({ transpileOnly: true, project: ${JSON.stringify(path.join(ROOT, "tsconfig.json"))} });
      globalThis.fetch = () => new Promise(() => {});
      const { fetchJsonWithDeadline } = require(${JSON.stringify(path.join(ROOT, "oracle/src/commands/fetchWithDeadline.ts"))});
      fetchJsonWithDeadline(new URL("http://127.0.0.1:9/"), 500).then(
        () => { console.log("answered"); },
        (e) => { console.error("error: " + e.message); process.exitCode = 1; },
      );
    `;
    const run = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect(run.status, run.stdout + run.stderr).to.equal(1);
    expect(run.stderr).to.contain("error:");
  });
});
