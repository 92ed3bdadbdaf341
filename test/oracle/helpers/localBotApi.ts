/**
 * A Telegram Bot API server on loopback for the bot's tests: the methods the bot uses (getMe,
 * deleteWebhook, getUpdates with long polling, sendMessage) over real HTTP at
 * `<root>/bot<token>/<method>`, answering as Telegram does: `{ ok: true, result }` or
 * `{ ok: false, error_code, description, parameters? }`. Tests queue incoming updates and script
 * failures of sendMessage per chat.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface BotApiRequest {
  method: string;
  body: Record<string, unknown>;
  /** Date.now() when the request arrived. */
  at: number;
}

export interface BotApiFailure {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number };
}

export const TOO_MANY_REQUESTS = (retryAfter: number): BotApiFailure => ({
  error_code: 429,
  description: `Too Many Requests: retry after ${retryAfter}`,
  parameters: { retry_after: retryAfter },
});
export const BLOCKED: BotApiFailure = { error_code: 403, description: "Forbidden: bot was blocked by the user" };

export class LocalBotApi {
  readonly requests: BotApiRequest[] = [];
  private readonly updates: Record<string, unknown>[] = [];
  private readonly failures = new Map<number, BotApiFailure[]>();
  private readonly waiting = new Set<() => void>();
  private readonly listeners = new Set<() => void>();
  private nextUpdateId = 1;
  private nextMessageId = 1;

  private constructor(
    private readonly server: http.Server,
    readonly token: string,
  ) {}

  static async start(token: string): Promise<LocalBotApi> {
    let api: LocalBotApi | undefined;
    const server = http.createServer((req, res) => void api!.handle(req, res));
    api = new LocalBotApi(server, token);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return api;
  }

  /** grammY's `client.apiRoot`. */
  get apiRoot(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The sendMessage requests that succeeded or failed, in order. */
  sent(chatId?: number): BotApiRequest[] {
    return this.requests.filter((r) => r.method === "sendMessage" && (chatId === undefined || r.body.chat_id === chatId));
  }

  /** The next sendMessage calls to `chatId` fail with these answers, in order. */
  failNext(chatId: number, ...failures: BotApiFailure[]): void {
    this.failures.set(chatId, [...(this.failures.get(chatId) ?? []), ...failures]);
  }

  /** A private-chat message from `userId` (a `/command` gets its bot_command entity), delivered by getUpdates. */
  pushMessage(userId: number, text: string): void {
    const command = /^\/[a-z_]+/.exec(text);
    this.updates.push({
      update_id: this.nextUpdateId++,
      message: {
        message_id: this.nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: userId, type: "private", first_name: "Ada" },
        from: { id: userId, is_bot: false, first_name: "Ada" },
        text,
        ...(command ? { entities: [{ type: "bot_command", offset: 0, length: command[0].length }] } : {}),
      },
    });
    for (const wake of this.waiting) wake();
  }

  /** Resolves once a request satisfies `predicate` (checked on every request). */
  async until(predicate: (requests: BotApiRequest[]) => boolean): Promise<void> {
    if (predicate(this.requests)) return;
    await new Promise<void>((resolve) => {
      const check = () => {
        if (!predicate(this.requests)) return;
        this.listeners.delete(check);
        resolve();
      };
      this.listeners.add(check);
    });
  }

  async close(): Promise<void> {
    for (const wake of this.waiting) wake();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? "");
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (match === null) return answer(404, { ok: false, error_code: 404, description: "Not Found" });
    if (decodeURIComponent(match[1]) !== this.token) return answer(401, { ok: false, error_code: 401, description: "Unauthorized" });
    const method = match[2];
    const text = Buffer.concat(chunks).toString("utf8");
    const body = (text === "" ? {} : JSON.parse(text)) as Record<string, unknown>;
    this.requests.push({ method, body, at: Date.now() });
    for (const listener of [...this.listeners]) listener();

    switch (method) {
      case "getMe":
        return answer(200, {
          ok: true,
          result: {
            id: 123456,
            is_bot: true,
            first_name: "CashKey",
            username: "cashkey_test_bot",
            can_join_groups: false,
            can_read_all_group_messages: false,
            supports_inline_queries: false,
          },
        });
      case "deleteWebhook":
        return answer(200, { ok: true, result: true });
      case "getUpdates":
        return answer(200, { ok: true, result: await this.updatesFor(body) });
      case "sendMessage": {
        const chatId = Number(body.chat_id);
        const failure = this.failures.get(chatId)?.shift();
        if (failure !== undefined) return answer(failure.error_code, { ok: false, ...failure });
        return answer(200, {
          ok: true,
          result: {
            message_id: this.nextMessageId++,
            date: Math.floor(Date.now() / 1000),
            chat: { id: chatId, type: "private" },
            from: { id: 123456, is_bot: true, first_name: "CashKey", username: "cashkey_test_bot" },
            text: body.text,
            ...(body.reply_markup === undefined ? {} : { reply_markup: body.reply_markup }),
          },
        });
      }
      default:
        return answer(404, { ok: false, error_code: 404, description: "Not Found: method not found" });
    }
  }

  /** getUpdates: the updates from `offset` on (those below it are confirmed and forgotten), waiting up to `timeout` s for one. */
  private async updatesFor(body: Record<string, unknown>): Promise<Record<string, unknown>[]> {
    const offset = Number(body.offset ?? 0);
    const limit = Number(body.limit ?? 100);
    const timeoutSeconds = Number(body.timeout ?? 0);
    while (this.updates.length > 0 && Number(this.updates[0].update_id) < offset) this.updates.shift();
    if (this.updates.length === 0 && timeoutSeconds > 0) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiting.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, timeoutSeconds * 1000);
        this.waiting.add(wake);
      });
    }
    return this.updates.slice(0, limit);
  }
}
