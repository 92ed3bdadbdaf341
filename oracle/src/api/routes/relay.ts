import { createRoute, z } from "@hono/zod-openapi";
import type { Relayer } from "../../relay/relayer";
import { ApiError, validationError } from "../errors";
import { clientKey } from "../middleware/rateLimit";
import { TokenBuckets } from "../../http/tokenBuckets";
import { APPLICATION_JSON, admitBody } from "../middleware/body";
import { createRouter } from "../router";
import { ErrorSchema } from "../schemas";
import type { ApiConfig } from "../types";

const hex = (what: string) => z.string().regex(/^0x([0-9a-fA-F]{2})*$/, `${what} must be 0x-prefixed hex`);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address");
const uint = (bits: number) =>
  z
    .union([z.string().regex(/^(0|[1-9][0-9]{0,77})$/), z.number().int().nonnegative()])
    .transform((value) => BigInt(value))
    .refine((value) => value < 1n << BigInt(bits), `must fit uint${bits}`);

export const RelayBodySchema = z
  .object({
    request: z
      .object({
        from: address,
        to: address,
        value: uint(256),
        gas: uint(256),
        deadline: uint(48),
        data: hex("data").refine((data) => data.length <= 2 + 2 * 1024, "data is at most 1 KiB"),
        signature: hex("signature").refine((sig) => sig.length === 132, "signature must be 65 bytes"),
      })
      .strict(),
    /** Telegram Mini App launch data (`Telegram.WebApp.initData`), when the node checks identity. */
    telegramInitData: z.string().max(4096).optional(),
  })
  .strict()
  .openapi("RelayRequest");

const RelayResultSchema = z
  .object({
    txHash: z.string(),
    signer: z.string(),
    relayer: z.string().openapi({ description: "Who paid the gas" }),
    function: z.enum(["submit", "claim"]),
    gasUsed: z.string(),
    blockNumber: z.number(),
  })
  .openapi("RelayResult");

const relayRoute = createRoute({
  method: "post",
  path: "/",
  summary: "Relay a signed ERC-2771 forward request to Rewards.submit or Rewards.claim (the node pays the gas)",
  request: { body: { required: true, content: { [APPLICATION_JSON]: { schema: RelayBodySchema } } } },
  responses: {
    200: { description: "Relayed and mined", content: { [APPLICATION_JSON]: { schema: RelayResultSchema } } },
    ...Object.fromEntries(
      Object.entries({
        400: "Malformed request, expired, value or gas out of range, non-canonical call data",
        401: "Bad signature, or missing/invalid Telegram identity",
        403: "Target or function not relayed; Telegram user tied to another account",
        409: "Already executed (replayed)",
        422: "The call would revert (the reason is in details)",
        429: "Rate limited, or the signer's budget for the epoch is spent",
        503: "Relaying disabled, or the epoch's total budget is spent",
      }).map(([status, description]) => [status, { description, content: { [APPLICATION_JSON]: { schema: ErrorSchema } } }]),
    ),
  },
});

export interface RelayRouteOptions {
  relayer?: Relayer;
  config: Pick<ApiConfig, "trustProxy">;
  /** Relayed requests per client in a burst, refilled over `clientWindowMs`. */
  clientBurst?: number;
  clientWindowMs?: number;
  now?: () => number;
}

export function relayRouter(options: RelayRouteOptions) {
  const router = createRouter();
  const clients = new TokenBuckets({
    max: options.clientBurst ?? 20,
    windowMs: options.clientWindowMs ?? 60 * 60 * 1000,
    now: options.now ?? Date.now,
  });
  router.openAPIRegistry.registerPath(relayRoute);
  router.openapi({ ...relayRoute, hide: true, request: {}, middleware: [admitBody({ types: [APPLICATION_JSON], maxBytes: 16 * 1024 })] }, async (c) => {
    const relayer = options.relayer;
    if (relayer === undefined) throw new ApiError(503, "relay_disabled", "This node does not relay.");
    const waitMs = clients.take(clientKey(c, options.config.trustProxy));
    if (waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      throw new ApiError(429, "relay_client_rate_limited", `Too many relayed requests from this client; retry in ${seconds} s.`, {
        headers: { "Retry-After": String(seconds) },
        details: { retryAfterSeconds: seconds },
      });
    }
    const parsed = RelayBodySchema.safeParse(c.get("body").json);
    if (!parsed.success) throw validationError("json", parsed.error);
    const result = await relayer.relay(parsed.data.request, parsed.data.telegramInitData);
    return c.json(result, 200);
  });
  return router;
}
