import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the server does with one request. */
export type ScriptedReply =
  /** A chat completion whose message content is `content`, verbatim. */
  | { kind: "answer"; content: string; finishReason?: "stop" | "length"; refusal?: string; delayMs?: number }
  /** An error status with an OpenAI-style error body. */
  | { kind: "error"; status: number; message?: string; type?: string; code?: string | null; headers?: Record<string, string> }
  /** Never answers (until the client gives up or the server closes). */
  | { kind: "hang" };

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  /** The parsed JSON body. */
  readonly body: ChatCompletionRequestBody;
}

/** The fields of a chat-completions request that the tests look at. */
export interface ChatCompletionRequestBody {
  model: string;
  temperature?: number;
  seed?: number;
  n?: number;
  max_tokens?: number;
  messages: { role: string; content: string }[];
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: Record<string, unknown> } };
  [key: string]: unknown;
}

/**
 * A real HTTP server on 127.0.0.1 (random port) that speaks the OpenAI chat-completions protocol
 * (POST /v1/chat/completions) and answers each request from a script: queued replies first, in
 * order, then `fallback`. It records every request and the highest number in flight at once.
 */
export class FakeOpenAiServer {
  readonly requests: RecordedRequest[] = [];
  fallback: (request: RecordedRequest) => ScriptedReply = () => ({
    kind: "error",
    status: 500,
    message: "No scripted reply left.",
    type: "server_error",
  });
  private readonly queue: ScriptedReply[] = [];
  private inFlight = 0;
  private peakInFlight = 0;
  private completions = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeOpenAiServer> {
    let instance: FakeOpenAiServer | undefined;
    const server = createServer((req, res) => void instance!.handle(req, res));
    instance = new FakeOpenAiServer(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return instance;
  }

  /** The base URL to give the OpenAI client, ending in /v1. */
  get baseURL(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1`;
  }

  /** The most requests that were open at the same time. */
  get maxInFlight(): number {
    return this.peakInFlight;
  }

  enqueue(...replies: ScriptedReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    res.on("close", () => this.inFlight--);

    const raw = await readBody(req);
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
      return sendError(res, { kind: "error", status: 404, message: `Unknown route ${req.method} ${req.url}`, type: "invalid_request_error" });
    }
    let body: ChatCompletionRequestBody;
    try {
      body = JSON.parse(raw) as ChatCompletionRequestBody;
    } catch {
      return sendError(res, { kind: "error", status: 400, message: "The body is not valid JSON.", type: "invalid_request_error" });
    }
    const request: RecordedRequest = { method: req.method, path: req.url, headers: req.headers, body };
    this.requests.push(request);

    const reply = this.queue.shift() ?? this.fallback(request);
    if (reply.kind === "hang") return;
    if (reply.kind === "error") return sendError(res, reply);
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (res.destroyed) return;
    this.completions++;
    const completion = {
      id: `chatcmpl-fake-${this.completions}`,
      object: "chat.completion",
      created: 1_700_000_000 + this.completions,
      model: body.model,
      system_fingerprint: "fp_fake",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: reply.refusal ? null : reply.content, refusal: reply.refusal ?? null },
          logprobs: null,
          finish_reason: reply.finishReason ?? "stop",
        },
      ],
      usage: {
        prompt_tokens: Math.ceil(raw.length / 4),
        completion_tokens: Math.ceil(reply.content.length / 4),
        total_tokens: Math.ceil(raw.length / 4) + Math.ceil(reply.content.length / 4),
      },
    };
    sendJson(res, 200, completion);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

function sendError(res: ServerResponse, reply: Extract<ScriptedReply, { kind: "error" }>): void {
  sendJson(
    res,
    reply.status,
    {
      error: {
        message: reply.message ?? `Error ${reply.status}`,
        type: reply.type ?? (reply.status >= 500 ? "server_error" : "invalid_request_error"),
        param: null,
        code: reply.code ?? null,
      },
    },
    reply.headers,
  );
}

/** A valid evaluation answer, as JSON text. */
export function evaluationAnswer(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    substance: 70,
    originality: 60,
    clarity: 80,
    evidence: 50,
    overall: 64,
    rationale: "Concrete figures and a clear structure; sources are thin.",
    ...overrides,
  });
}
