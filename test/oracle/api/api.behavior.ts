/**
 * The API's behaviour, run through `app.request()` (app.test.ts) and through a real server on a
 * loopback port (server.test.ts).
 */
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { contentHash } from "../../../oracle/src/protocol/contentHash";
import { verifyRationale } from "../../../oracle/src/protocol/rationaleTree";
import { AUTHOR, EVALUATOR, batchOf, okEvaluation, rationaleJsonOf, seedEvaluated, submissionEvent } from "../store/fixtures";
import { ALLOWED_ORIGIN, type Harness, MAX_CONTENT_BYTES, type SendInit, type TestApiOptions } from "./harness";

type RequestBody = NonNullable<RequestInit["body"]>;
type Start = (options?: TestApiOptions) => Promise<Harness>;

const JSON_TYPE = { "content-type": "application/json" };
const TEXT_TYPE = { "content-type": "text/plain; charset=utf-8" };

async function errorOf(response: Response): Promise<{ code: string; message: string; details?: unknown }> {
  expect(response.headers.get("content-type")).to.match(/^application\/json/);
  const body = (await response.json()) as { error: { code: string; message: string; details?: unknown } };
  expect(body.error.message).to.be.a("string").and.not.equal("");
  return body.error;
}

export function shouldBehaveLikeOracleApi(start: Start): void {
  let h: Harness;

  beforeEach(async function () {
    h = await start();
  });

  afterEach(async function () {
    await h.stop();
  });

  const put = (body: RequestBody, headers: Record<string, string>) => h.send("/v1/content", { method: "PUT", body, headers });

  /** Asserts a refused request changed nothing: no content stored, no hook called. */
  function expectNothingStored(): void {
    expect(h.api.store.content.count()).to.equal(0);
    expect(h.api.contentEvents).to.deep.equal([]);
  }

  describe("PUT /v1/content", function () {
    describe("with a text/plain body", function () {
      it("stores the text as { text } and returns its content hash with 201", async function () {
        const text = "The Rhine is 1,230 km long and flows through six countries.";
        const response = await put(text, TEXT_TYPE);
        expect(response.status).to.equal(201);
        const body = (await response.json()) as { hash: string; size: number };
        expect(body.hash).to.equal(contentHash({ text }));
        expect(response.headers.get("location")).to.equal(`/v1/content/${body.hash}`);
        expect(h.api.store.content.get(body.hash)?.content).to.deep.equal({ text });
        expect(h.api.contentEvents).to.deep.equal([{ hash: body.hash, content: { text }, size: body.size, source: "upload" }]);
      });

      it("answers the same upload again with 200 and the same hash, storing it once", async function () {
        const first = (await (await put("Same text twice.", TEXT_TYPE)).json()) as { hash: string };
        const again = await put("Same text twice.", TEXT_TYPE);
        expect(again.status).to.equal(200);
        expect(((await again.json()) as { hash: string }).hash).to.equal(first.hash);
        expect(h.api.store.content.count()).to.equal(1);
        expect(h.api.contentEvents).to.have.length(1);
      });

      it("keeps the bytes exactly, a leading byte order mark included", async function () {
        const text = "\ufeffStarts with a BOM.";
        const { hash } = (await (await put(text, TEXT_TYPE)).json()) as { hash: string };
        expect(hash).to.equal(contentHash({ text }));
      });

      it("accepts a body of exactly maxContentBytes", async function () {
        const response = await put("a".repeat(MAX_CONTENT_BYTES), TEXT_TYPE);
        expect(response.status).to.equal(201);
      });
    });

    describe("with a JSON body", function () {
      it("stores { text, title, url } under the protocol's content hash", async function () {
        const content = { text: "Water boils at 100 °C at sea level.", title: "Boiling", url: "https://example.org/boil" };
        const response = await put(JSON.stringify(content), JSON_TYPE);
        expect(response.status).to.equal(201);
        const { hash } = (await response.json()) as { hash: string };
        expect(hash).to.equal(contentHash(content));
      });

      it("gives NFC-equivalent content one hash", async function () {
        const composed = (await (await put(JSON.stringify({ text: "caf\u00e9" }), JSON_TYPE)).json()) as { hash: string };
        const decomposed = await put(JSON.stringify({ text: "cafe\u0301" }), JSON_TYPE);
        expect(decomposed.status).to.equal(200);
        expect(((await decomposed.json()) as { hash: string }).hash).to.equal(composed.hash);
      });

      it("reads the media type and charset in any case", async function () {
        const response = await put(JSON.stringify({ text: "Case-insensitive." }), { "content-type": "Application/JSON; Charset=UTF-8" });
        expect(response.status).to.equal(201);
        expect(((await response.json()) as { hash: string }).hash).to.equal(contentHash({ text: "Case-insensitive." }));
      });

      it("gives a plain-text upload and { text } the same hash", async function () {
        const plain = (await (await put("One rule.", TEXT_TYPE)).json()) as { hash: string };
        const json = (await (await put(JSON.stringify({ text: "One rule." }), JSON_TYPE)).json()) as { hash: string };
        expect(json.hash).to.equal(plain.hash);
      });
    });

    describe("with bad input", function () {
      const cases: { name: string; body: () => RequestBody; headers: Record<string, string>; status: number; code: string }[] = [
        { name: "malformed JSON", body: () => '{"text": "unterminated', headers: JSON_TYPE, status: 400, code: "malformed_json" },
        { name: "a JSON array", body: () => '["text"]', headers: JSON_TYPE, status: 400, code: "invalid_body" },
        { name: "a JSON object without text", body: () => '{"title":"T"}', headers: JSON_TYPE, status: 400, code: "invalid_body" },
        { name: "an unknown JSON field", body: () => '{"text":"x","author":"me"}', headers: JSON_TYPE, status: 400, code: "invalid_body" },
        { name: "a non-string title", body: () => '{"text":"x","title":5}', headers: JSON_TYPE, status: 400, code: "invalid_body" },
        { name: "a javascript: URL", body: () => '{"text":"x","url":"javascript:alert(1)"}', headers: JSON_TYPE, status: 400, code: "invalid_body" },
        { name: "empty JSON text", body: () => '{"text":"  "}', headers: JSON_TYPE, status: 400, code: "invalid_body" },
        { name: "an empty text/plain body", body: () => "", headers: TEXT_TYPE, status: 400, code: "invalid_body" },
        { name: "whitespace only", body: () => " \n\t ", headers: TEXT_TYPE, status: 400, code: "invalid_body" },
        { name: "zero-width spaces only", body: () => "\u200b\u200b\u200b", headers: TEXT_TYPE, status: 400, code: "invalid_body" },
        {
          name: "invisible format characters only",
          body: () => JSON.stringify({ text: "\u200d\u2060\ufeff\u202e \u3164" }),
          headers: JSON_TYPE,
          status: 400,
          code: "invalid_body",
        },
        // Each would be stored as a six-byte JSON escape: 16 KB of them would take 96 KB.
        { name: "control characters", body: () => `fact\u0001${"\u0002".repeat(64)}`, headers: TEXT_TYPE, status: 400, code: "invalid_body" },
        { name: "a control character in the title", body: () => JSON.stringify({ text: "x", title: "a\u001bb" }), headers: JSON_TYPE, status: 400, code: "invalid_body" },
        { name: "bytes that are not UTF-8", body: () => new Uint8Array([0x68, 0x69, 0xff, 0xfe]), headers: TEXT_TYPE, status: 400, code: "invalid_encoding" },
        { name: "text/html", body: () => "<p>hi</p>", headers: { "content-type": "text/html" }, status: 415, code: "unsupported_media_type" },
        { name: "form data", body: () => "text=hi", headers: { "content-type": "application/x-www-form-urlencoded" }, status: 415, code: "unsupported_media_type" },
        { name: "no content type", body: () => new Uint8Array([0x68, 0x69]), headers: {}, status: 415, code: "unsupported_media_type" },
        {
          name: "a charset other than UTF-8",
          body: () => "hi",
          headers: { "content-type": "text/plain; charset=iso-8859-1" },
          status: 415,
          code: "unsupported_media_type",
        },
        { name: "a body over maxContentBytes", body: () => "a".repeat(MAX_CONTENT_BYTES + 1), headers: TEXT_TYPE, status: 413, code: "payload_too_large" },
        {
          name: "a JSON body over maxContentBytes",
          body: () => JSON.stringify({ text: "a".repeat(MAX_CONTENT_BYTES) }),
          headers: JSON_TYPE,
          status: 413,
          code: "payload_too_large",
        },
      ];
      for (const { name, body, headers, status, code } of cases) {
        it(`answers ${name} with ${status} ${code} and stores nothing`, async function () {
          const response = await put(body(), headers);
          expect(response.status).to.equal(status);
          expect((await errorOf(response)).code).to.equal(code);
          expectNothingStored();
        });
      }

      it("names the offending field", async function () {
        const error = await errorOf(await put('{"text":"x","url":"ftp://example.org/x"}', JSON_TYPE));
        expect(error.message).to.match(/^url: /);
        expect(error.details).to.deep.equal([{ path: "url", message: "must be an http or https URL" }]);
      });
    });
  });

  describe("GET /v1/content/:hash", function () {
    it("returns stored content, cacheable forever", async function () {
      const content = { text: "Stored.", title: "A title" };
      const { hash } = h.api.store.content.put(content, "upload");
      const response = await h.send(`/v1/content/${hash}`);
      expect(response.status).to.equal(200);
      expect(response.headers.get("cache-control")).to.contain("immutable");
      const body = (await response.json()) as { hash: string; content: unknown; size: number; receivedAt: string };
      expect(body).to.deep.include({ hash, content });
      expect(contentHash(body.content as typeof content)).to.equal(hash);
      expect(Number.isNaN(Date.parse(body.receivedAt))).to.equal(false);
    });

    it("accepts the hash in upper case", async function () {
      const { hash } = h.api.store.content.put({ text: "Case." }, "upload");
      const response = await h.send(`/v1/content/0x${hash.slice(2).toUpperCase()}`);
      expect(response.status).to.equal(200);
    });

    it("answers an unknown hash with 404", async function () {
      const response = await h.send(`/v1/content/${contentHash({ text: "never uploaded" })}`);
      expect(response.status).to.equal(404);
      expect((await errorOf(response)).code).to.equal("content_not_found");
    });

    for (const bad of ["0x1234", "ab".repeat(32), `0x${"g".repeat(64)}`, `0x${"a".repeat(65)}`]) {
      it(`answers the malformed hash ${bad.slice(0, 12)}… with 400`, async function () {
        const response = await h.send(`/v1/content/${bad}`);
        expect(response.status).to.equal(400);
        expect((await errorOf(response)).code).to.equal("invalid_parameter");
      });
    }
  });

  describe("GET /v1/submissions/:id", function () {
    it("returns an evaluated submission's score, sub-scores, flags and rationale", async function () {
      seedEvaluated(h.api.store, [1]);
      const response = await h.send("/v1/submissions/1");
      expect(response.status).to.equal(200);
      const body = (await response.json()) as Record<string, unknown>;
      const evaluation = okEvaluation(1);
      expect(body).to.deep.include({
        id: "1",
        status: "evaluated",
        author: AUTHOR,
        contentHash: evaluation.contentHash,
        category: 1,
        scoredOnChain: false,
        evaluator: EVALUATOR,
        score: evaluation.score,
        points: evaluation.points,
        subScores: evaluation.subScores,
        flags: evaluation.flags,
        rationaleJson: evaluation.rationaleJson,
        rationale: JSON.parse(evaluation.rationaleJson) as unknown,
        batch: null,
      });
    });

    it("returns a batched submission's nonce and a Merkle proof that verifies against the batch root", async function () {
      seedEvaluated(h.api.store, [1, 2, 3]);
      const batch = h.api.store.batches.create(batchOf(4, [1, 2, 3]));
      const response = await h.send("/v1/submissions/2");
      expect(response.status).to.equal(200);
      const body = (await response.json()) as {
        status: string;
        rationaleJson: string;
        batch: { nonce: string; state: string; rationaleRoot: string; proof: string[] };
      };
      expect(body.status).to.equal("batched");
      expect(body.batch).to.deep.include({ nonce: "4", state: "built", rationaleRoot: batch.rationaleRoot });
      expect(keccak256(toUtf8Bytes(body.rationaleJson))).to.equal(keccak256(toUtf8Bytes(rationaleJsonOf(2))));
      expect(verifyRationale(body.batch.rationaleRoot, { submissionId: 2n, rationaleJson: body.rationaleJson }, body.batch.proof)).to.equal(true);
      expect(verifyRationale(body.batch.rationaleRoot, { submissionId: 3n, rationaleJson: body.rationaleJson }, body.batch.proof)).to.equal(false);
    });

    it("returns a pending submission without a score", async function () {
      h.api.store.submissions.record(submissionEvent(5));
      const body = (await (await h.send("/v1/submissions/5")).json()) as Record<string, unknown>;
      expect(body).to.deep.include({ status: "pending", score: null, points: null, rationale: null, flags: [], batch: null });
    });

    it("reports a submission on-chain that this node has not seen yet as unseen", async function () {
      h.api.chain.submissions.set(7n, { author: AUTHOR.toLowerCase(), submittedAt: 1, epoch: 0, category: 3 });
      const response = await h.send("/v1/submissions/7");
      expect(response.status).to.equal(200);
      expect(await response.json()).to.deep.include({ id: "7", status: "unseen", author: AUTHOR, category: 3, contentHash: null });
    });

    it("answers an id that exists nowhere with 404", async function () {
      const response = await h.send("/v1/submissions/8");
      expect(response.status).to.equal(404);
      expect((await errorOf(response)).code).to.equal("submission_not_found");
    });

    it("answers 503 with Retry-After when it must ask the chain and the chain is down", async function () {
      h.api.chain.failing = true;
      const response = await h.send("/v1/submissions/9");
      expect(response.status).to.equal(503);
      expect(response.headers.get("retry-after")).to.equal("5");
      expect((await errorOf(response)).code).to.equal("chain_unavailable");
    });

    it("still answers for a known submission when the chain is down", async function () {
      seedEvaluated(h.api.store, [1]);
      h.api.chain.failing = true;
      const response = await h.send("/v1/submissions/1");
      expect(response.status).to.equal(200);
      expect(await response.json()).to.deep.include({ status: "evaluated", scoredOnChain: null });
    });

    for (const bad of ["0", "-1", "abc", "01", "1.5", "18446744073709551616", "1e3"]) {
      it(`answers the malformed id "${bad}" with 400`, async function () {
        const response = await h.send(`/v1/submissions/${bad}`);
        expect(response.status).to.equal(400);
        expect((await errorOf(response)).code).to.equal("invalid_parameter");
      });
    }

    it("accepts the largest uint64 id", async function () {
      const response = await h.send("/v1/submissions/18446744073709551615");
      expect(response.status).to.equal(404);
    });
  });

  describe("GET /v1/health", function () {
    it("reports the database, the chain head and the lag behind it", async function () {
      h.api.store.cursor.set({ blockNumber: 97, blockHash: submissionEvent(1).blockHash });
      const response = await h.send("/v1/health");
      expect(response.status).to.equal(200);
      expect(await response.json()).to.deep.equal({
        status: "ok",
        reasons: [],
        db: { ok: true, schemaVersion: h.api.store.schemaVersion() },
        chain: { ok: true, headBlock: 100, lastProcessedBlock: 97, lagBlocks: 3 },
        operator: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
      });
    });

    it("reports degraded when the chain does not answer", async function () {
      h.api.chain.failing = true;
      const response = await h.send("/v1/health");
      expect(response.status).to.equal(200);
      expect(await response.json()).to.deep.include({ status: "degraded", reasons: ["The chain does not answer."] });
    });
  });

  describe("GET /metrics", function () {
    it("serves the node's metrics with requests counted by route pattern", async function () {
      const hash = contentHash({ text: "absent" });
      await h.send(`/v1/content/${hash}`);
      const response = await h.send("/metrics");
      expect(response.status).to.equal(200);
      expect(response.headers.get("content-type")).to.match(/^text\/plain/);
      const text = await response.text();
      for (const name of ["submissions_seen_total", "evaluations_total", "evaluation_duration_seconds", "batch_items", "chain_lag_blocks", "llm_errors_total"]) {
        expect(text).to.contain(`# TYPE cashkey_oracle_${name} `);
      }
      expect(text).to.contain('cashkey_oracle_http_requests_total{method="GET",route="/v1/content/:hash",status="404"} 1');
      expect(text).not.to.contain(hash);
    });

    it("counts the store's submissions by status at each scrape", async function () {
      seedEvaluated(h.api.store, [1, 2]);
      h.api.store.submissions.record(submissionEvent(3));
      const text = await (await h.send("/metrics")).text();
      expect(text).to.contain('cashkey_oracle_submissions{status="evaluated"} 2');
      expect(text).to.contain('cashkey_oracle_submissions{status="pending"} 1');
    });
  });

  describe("challenges without a Challenges contract", function () {
    const json = (body: unknown): SendInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

    it("answers 503 challenges_disabled on every challenge route", async function () {
      for (const [path, init] of [
        ["/v1/challenges", undefined],
        ["/v1/challenges/1", undefined],
        ["/v1/challenges/1/reason", json({ text: "spam" })],
        ["/v1/challenges/1/answer", json({ text: "not spam" })],
        ["/v1/peer/challenge-verdicts", json({})],
      ] as const) {
        const response = await h.send(path, init);
        expect(response.status, path).to.equal(503);
        expect(((await response.json()) as { error: { code: string } }).error.code, path).to.equal("challenges_disabled");
      }
    });

    it("refuses a malformed id or text before anything else (400)", async function () {
      const code = async (path: string, init?: SendInit) => {
        const response = await h.send(path, init);
        expect(response.status, path).to.equal(400);
        return ((await response.json()) as { error: { code: string } }).error.code;
      };
      expect(await code("/v1/challenges/0")).to.equal("invalid_parameter");
      expect(await code("/v1/challenges/01/reason", json({ text: "x" }))).to.equal("invalid_parameter");
      expect(await code("/v1/challenges/1/reason", json({ text: "" }))).to.equal("invalid_body");
      expect(await code("/v1/challenges/1/reason", json({ text: "x".repeat(2001) }))).to.equal("invalid_body");
      expect(await code("/v1/challenges/1/answer", json({ text: "x", extra: 1 }))).to.equal("invalid_body");
      expect(await code("/v1/challenges?status=pending")).to.equal("bad_request");
    });
  });

  describe("GET /v1/openapi.json", function () {
    it("documents every route from the schemas that validate requests", async function () {
      const response = await h.send("/v1/openapi.json");
      expect(response.status).to.equal(200);
      const doc = (await response.json()) as {
        openapi: string;
        paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;
        components: { schemas: Record<string, { properties?: Record<string, unknown>; additionalProperties?: boolean }> };
      };
      expect(doc.openapi).to.equal("3.0.3");
      expect(Object.keys(doc.paths)).to.have.members([
        "/v1/content",
        "/v1/content/{hash}",
        "/v1/submissions/{id}",
        "/v1/health",
        "/metrics",
        "/v1/peer/proposals",
        "/v1/peer/proposals/{digest}",
        "/v1/network",
        "/v1/relay",
        "/v1/challenges",
        "/v1/challenges/{id}",
        "/v1/challenges/{id}/reason",
        "/v1/challenges/{id}/answer",
        "/v1/peer/challenge-verdicts",
      ]);
      expect(doc.components.schemas.ChallengeText.properties).to.have.keys(["text"]);
      expect(doc.components.schemas.ChallengeText.additionalProperties).to.equal(false);
      expect(doc.components.schemas.Challenge.properties).to.include.keys(["reason", "answer", "evaluations", "votes"]);
      expect(Object.keys(doc.paths["/v1/content"].put.requestBody!.content)).to.have.members(["text/plain", "application/json"]);
      expect(doc.components.schemas.ContentUpload.properties).to.have.keys(["text", "title", "url", "author", "salt"]);
      expect(Object.keys(doc.paths["/v1/relay"].post.requestBody!.content)).to.have.members(["application/json"]);
      expect(doc.components.schemas.ContentUpload.additionalProperties).to.equal(false);
      expect(doc.components.schemas.Submission.properties).to.include.keys(["rationaleJson", "batch", "subScores", "flags"]);
    });
  });

  describe("GET /", function () {
    it("serves a readable page that lists every documented endpoint and links the OpenAPI document", async function () {
      const response = await h.send("/");
      expect(response.status).to.equal(200);
      expect(response.headers.get("content-type")).to.match(/^text\/html/);
      expect(response.headers.get("link")).to.equal('</v1/openapi.json>; rel="service-desc"');
      expect(response.headers.get("content-security-policy")).to.contain("default-src 'none'");
      const page = await response.text();
      expect(page).to.contain('<a href="/v1/openapi.json">');
      const doc = (await (await h.send("/v1/openapi.json")).json()) as { paths: Record<string, Record<string, { summary?: string }>> };
      for (const [route, operations] of Object.entries(doc.paths)) {
        expect(page, route).to.contain(`<code>${route}</code>`);
        for (const [method, operation] of Object.entries(operations)) {
          expect(page, `${method} ${route}`).to.contain(`<code>${method.toUpperCase()}</code>`);
          if (operation.summary) expect(page, route).to.contain(operation.summary.replace(/&/g, "&amp;").replace(/'/g, "&#39;"));
        }
      }
    });
  });

  describe("errors", function () {
    it("answers an unknown route with a JSON 404", async function () {
      const response = await h.send("/v1/nothing-here");
      expect(response.status).to.equal(404);
      expect((await errorOf(response)).code).to.equal("not_found");
    });

    it("answers an unsupported method with a JSON 404", async function () {
      const response = await h.send("/v1/content", { method: "DELETE" });
      expect(response.status).to.equal(404);
      expect((await errorOf(response)).code).to.equal("not_found");
    });

    it("answers a write the disk refuses with 503 storage_unavailable, reports health down, and recovers", async function () {
      // The database may not grow: the free space in its pages runs out after a few uploads.
      h.api.store.limitSize(0);
      const fact = (i: number) => `Fact ${i} that does not fit on the disk. ${"Its details fill pages. ".repeat(Math.floor((MAX_CONTENT_BYTES - 64) / 24))}`;
      let response: Response | undefined;
      let stored = 0;
      for (let i = 0; i < 64 && (response === undefined || response.status !== 503); i++) {
        response = await put(fact(i), TEXT_TYPE);
        if (response.status === 201) stored += 1;
        else expect(response.status, `upload ${i}`).to.equal(503);
      }
      expect(response!.status).to.equal(503);
      expect(response!.headers.get("retry-after")).to.equal("30");
      const error = await errorOf(response!);
      expect(error).to.deep.include({ code: "storage_unavailable", details: { code: "SQLITE_FULL" } });
      expect(h.api.store.content.count()).to.equal(stored);
      const health = await h.send("/v1/health");
      expect(health.status).to.equal(503);
      const body = (await health.json()) as { status: string; reasons: string[] };
      expect(body.status).to.equal("down");
      expect(body.reasons.join(" ")).to.contain("SQLITE_FULL");
      const metrics = await (await h.send("/metrics")).text();
      expect(metrics).to.match(/cashkey_oracle_storage_writable 0/);
      expect(metrics).to.match(/cashkey_oracle_storage_write_failures_total\{code="SQLITE_FULL"\} 1/);
      expect(metrics).to.not.match(/status="500"/);
      expect(h.api.logs.some((line) => line.includes('"level":50'))).to.equal(false);

      h.api.store.limitSize(1 << 30);
      expect((await put(fact(64), TEXT_TYPE)).status).to.equal(201);
      expect(((await (await h.send("/v1/health")).json()) as { status: string }).status).to.equal("ok");
    });

    it("answers a bug with a JSON 500 carrying the request id, and logs it", async function () {
      h.api.store.content.get = () => {
        throw new Error("simulated bug");
      };
      const response = await h.send(`/v1/content/${contentHash({ text: "x" })}`);
      expect(response.status).to.equal(500);
      const error = await errorOf(response);
      expect(error.code).to.equal("internal_error");
      const requestId = (error.details as { requestId: string }).requestId;
      expect(response.headers.get("x-request-id")).to.equal(requestId);
      expect(h.api.logs.some((line) => line.includes("simulated bug") && line.includes(requestId))).to.equal(true);
    });
  });

  describe("CORS", function () {
    it("allows a configured origin", async function () {
      const response = await h.send("/v1/health", { headers: { origin: ALLOWED_ORIGIN } });
      expect(response.headers.get("access-control-allow-origin")).to.equal(ALLOWED_ORIGIN);
      expect(response.headers.get("vary")).to.contain("Origin");
    });

    it("does not allow another origin", async function () {
      const response = await h.send("/v1/health", { headers: { origin: "https://evil.example" } });
      expect(response.headers.get("access-control-allow-origin")).to.equal(null);
    });

    it("answers a preflight from a configured origin", async function () {
      const response = await h.send("/v1/content", {
        method: "OPTIONS",
        headers: { origin: ALLOWED_ORIGIN, "access-control-request-method": "PUT", "access-control-request-headers": "content-type" },
      });
      expect(response.status).to.equal(204);
      expect(response.headers.get("access-control-allow-origin")).to.equal(ALLOWED_ORIGIN);
      expect(response.headers.get("access-control-allow-methods")).to.contain("PUT");
      expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).to.contain("content-type");
    });

    it("gives a preflight from another origin no permission", async function () {
      const response = await h.send("/v1/content", {
        method: "OPTIONS",
        headers: { origin: "https://evil.example", "access-control-request-method": "PUT" },
      });
      expect(response.headers.get("access-control-allow-origin")).to.equal(null);
      expectNothingStored();
    });
  });

  describe("rate limit", function () {
    beforeEach(async function () {
      await h.stop();
      h = await start({ config: { rateLimit: { windowMs: 60_000, max: 3 } } });
    });

    it("answers 429 with Retry-After once a client used its burst, and stores nothing", async function () {
      for (let i = 0; i < 3; i++) expect((await h.send("/v1/content/" + contentHash({ text: `${i}` }))).status).to.equal(404);
      const response = await put("Refused.", TEXT_TYPE);
      expect(response.status).to.equal(429);
      expect(Number(response.headers.get("retry-after")))
        .to.be.a("number")
        .and.at.least(1);
      expect((await errorOf(response)).code).to.equal("rate_limited");
      expectNothingStored();
      expect(await (await h.send("/metrics")).text()).to.contain("cashkey_oracle_http_rate_limited_total 1");
    });

    it("refills the bucket over the window", async function () {
      for (let i = 0; i < 3; i++) await h.send("/v1/submissions/1");
      expect((await h.send("/v1/submissions/1")).status).to.equal(429);
      h.api.advanceClock(20_000);
      expect((await h.send("/v1/submissions/1")).status).to.equal(404);
      expect((await h.send("/v1/submissions/1")).status).to.equal(429);
    });

    it("never limits health checks and metrics scrapes", async function () {
      for (let i = 0; i < 5; i++) {
        expect((await h.send("/v1/health")).status).to.equal(200);
        expect((await h.send("/metrics")).status).to.equal(200);
      }
    });

    it("ignores X-Forwarded-For unless configured to trust a proxy", async function () {
      for (let i = 0; i < 3; i++) await h.send("/v1/submissions/1", { headers: { "x-forwarded-for": `198.51.100.${i}` } });
      const response = await h.send("/v1/submissions/1", { headers: { "x-forwarded-for": "198.51.100.99" } });
      expect(response.status).to.equal(429);
    });
  });
}
