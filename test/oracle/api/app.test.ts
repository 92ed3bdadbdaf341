import { expect } from "chai";
import fc from "fast-check";
import { shouldBehaveLikeOracleApi } from "./api.behavior";
import { type Harness, startInProcess } from "./harness";

describe("oracle API through app.request()", function () {
  shouldBehaveLikeOracleApi(startInProcess);

  describe("rate limit by client address", function () {
    let h: Harness;

    beforeEach(async function () {
      h = await startInProcess({ config: { rateLimit: { windowMs: 60_000, max: 2 } } });
    });

    afterEach(async function () {
      await h.stop();
    });

    it("keeps one bucket per client", async function () {
      for (let i = 0; i < 2; i++) await h.send("/v1/submissions/1", { clientIp: "192.0.2.1" });
      expect((await h.send("/v1/submissions/1", { clientIp: "192.0.2.1" })).status).to.equal(429);
      expect((await h.send("/v1/submissions/1", { clientIp: "192.0.2.2" })).status).to.equal(404);
    });

    it("counts an IPv4-mapped IPv6 address as its IPv4 address", async function () {
      for (let i = 0; i < 2; i++) await h.send("/v1/submissions/1", { clientIp: "192.0.2.7" });
      expect((await h.send("/v1/submissions/1", { clientIp: "::ffff:192.0.2.7" })).status).to.equal(429);
    });

    it("counts IPv6 clients by their /64", async function () {
      await h.send("/v1/submissions/1", { clientIp: "2001:db8:1:2::1" });
      await h.send("/v1/submissions/1", { clientIp: "2001:db8:1:2:ffff::9" });
      expect((await h.send("/v1/submissions/1", { clientIp: "2001:0db8:0001:0002::77" })).status).to.equal(429);
      expect((await h.send("/v1/submissions/1", { clientIp: "2001:db8:1:3::1" })).status).to.equal(404);
    });
  });

  describe("behind a trusted proxy", function () {
    let h: Harness;

    beforeEach(async function () {
      h = await startInProcess({ config: { rateLimit: { windowMs: 60_000, max: 1 }, trustProxy: true } });
    });

    afterEach(async function () {
      await h.stop();
    });

    it("keys clients by the last X-Forwarded-For address", async function () {
      const from = (client: string) => ({ clientIp: "10.0.0.1", headers: { "x-forwarded-for": `203.0.113.200, ${client}` } });
      expect((await h.send("/v1/submissions/1", from("198.51.100.1"))).status).to.equal(404);
      expect((await h.send("/v1/submissions/1", from("198.51.100.1"))).status).to.equal(429);
      expect((await h.send("/v1/submissions/1", from("198.51.100.2"))).status).to.equal(404);
    });
  });

  describe("any input", function () {
    let h: Harness;

    before(async function () {
      h = await startInProcess({ config: { rateLimit: { windowMs: 60_000, max: 1_000_000 } } });
    });

    after(async function () {
      await h.stop();
    });

    it("never gets a 5xx, and every 4xx is a JSON error", async function () {
      const segment = fc.oneof(fc.string(), fc.webSegment(), fc.stringMatching(/^0x[0-9a-fA-F]{0,70}$/), fc.bigInt({ min: -5n, max: 1n << 70n }).map(String));
      const contentType = fc.constantFrom("text/plain", "application/json", "application/json; charset=latin1", "text/html", "", "TEXT/PLAIN;charset=UTF-8");
      const body = fc.oneof(fc.string(), fc.json(), fc.uint8Array({ maxLength: 64 }), fc.string({ maxLength: 1200 }));
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom("content", "submissions", "health", "other"),
          segment,
          contentType,
          body,
          fc.constantFrom("GET", "PUT", "POST"),
          async (resource, id, type, payload, method) => {
            const target = `/v1/${resource}/${encodeURIComponent(id)}`;
            const response =
              method === "PUT" && resource === "content"
                ? await h.send("/v1/content", { method, body: payload, headers: type ? { "content-type": type } : {} })
                : await h.send(target, { method, ...(method === "GET" ? {} : { body: payload }) });
            expect(response.status, `${method} ${target}`).to.be.below(500);
            if (response.status >= 400) {
              const error = ((await response.json()) as { error: { code: string } }).error;
              expect(error.code).to.be.a("string");
            } else {
              await response.arrayBuffer();
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
