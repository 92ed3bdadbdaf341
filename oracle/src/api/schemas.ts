/**
 * The API's schemas: they validate requests and generate `GET /v1/openapi.json`, so the document
 * cannot drift from what the node accepts.
 */
import { z } from "@hono/zod-openapi";

const UINT64_MAX = (1n << 64n) - 1n;

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "invalid_parameter" }),
      message: z.string().openapi({ example: "hash: must be 0x followed by 64 hex digits" }),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

export const HashSchema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x followed by 64 hex digits")
  .openapi({ description: "keccak256 of the canonical content bytes", example: `0x${"ab".repeat(32)}` });

export const HashParamsSchema = z.object({
  hash: HashSchema.openapi({ param: { name: "hash", in: "path" } }),
});

export const SubmissionIdParamsSchema = z.object({
  id: z
    .string()
    // One check, so the range test only ever sees digits (zod runs every refinement of a string).
    .refine((value) => /^[1-9][0-9]{0,19}$/.test(value) && BigInt(value) <= UINT64_MAX, "must be a submission id: a decimal integer 1..2^64-1 without leading zeros")
    .openapi({ param: { name: "id", in: "path" }, example: "42" }),
});

/** Control characters other than tab, line feed and carriage return (each would be stored as a six-byte JSON escape). */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;
/** What shows nothing: white space, format characters (zero-width spaces and joiners, bidi marks), and the rest. */
const INVISIBLE = /[\p{White_Space}\p{Cf}\p{Cc}\u115f\u1160\u3164\uffa0\u2800]/gu;

const withoutControls = (what: string) => z.string().refine((value) => !CONTROL.test(value), `${what} must not contain control characters`);
const nonBlank = (what: string) => withoutControls(what).refine((value) => value.replace(INVISIBLE, "") !== "", `${what} must not be empty or invisible`);

const httpUrl = z
  .string()
  .url("must be a URL")
  .refine((value) => /^https?:$/.test(new URL(value).protocol), "must be an http or https URL");

/** The raw text of a `text/plain` upload. */
export const PlainTextContentSchema = nonBlank("text").openapi({
  description: "The text itself (UTF-8). Stored as the content `{ text }`.",
  example: "The Rhine is 1,230 km long and flows through six countries.",
});

export const ContentUploadSchema = z
  .object({
    text: nonBlank("text"),
    title: withoutControls("title").optional(),
    url: httpUrl.optional(),
    author: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 20-byte 0x-hex address")
      .optional()
      .openapi({ description: "Binds the content to this address: only its submission may claim the hash (with salt)" }),
    salt: z
      .string()
      .regex(/^0x[0-9a-fA-F]{64}$/, "must be 32 bytes of 0x-hex")
      .optional()
      .openapi({ description: "32 random bytes, with author: the hash cannot be guessed from the text" }),
  })
  .strict()
  .refine((content) => (content.author === undefined) === (content.salt === undefined), { message: "author and salt come together", path: ["salt"] })
  .openapi("ContentUpload", {
    description: "Content as the content hash rule defines it (oracle/src/protocol/contentHash.ts; docs/SCORING.md).",
    example: { text: "The Rhine is 1,230 km long.", title: "Rhine", url: "https://en.wikipedia.org/wiki/Rhine" },
  });

export const ContentStoredSchema = z
  .object({
    hash: HashSchema,
    size: z.number().int().openapi({ description: "Size of the canonical bytes" }),
  })
  .openapi("ContentStored");

export const ContentSchema = z
  .object({
    hash: HashSchema,
    content: z.object({ text: z.string(), title: z.string().optional(), url: z.string().optional(), author: z.string().optional(), salt: z.string().optional() }),
    size: z.number().int(),
    receivedAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Content", { description: "`keccak256` of the canonical form of `content` is `hash`." });

const FlagSchema = z
  .object({
    code: z.string(),
    severity: z.string(),
    detail: z.string(),
    evidence: z.record(z.union([z.string(), z.number()])).optional(),
  })
  .openapi("Flag");

const HexSchema = z.string().regex(/^0x[0-9a-f]*$/);

export const SubmissionSchema = z
  .object({
    id: z.string().openapi({ description: "uint64, as a decimal string" }),
    status: z
      .enum(["unseen", "pending", "evaluated", "batched", "scored", "failed", "removed"])
      .openapi({ description: "unseen: on-chain but not yet processed by this node" }),
    author: z.string(),
    contentHash: HashSchema.nullable(),
    category: z.number().int(),
    blockNumber: z.number().int().nullable(),
    txHash: HexSchema.nullable(),
    scoredOnChain: z.boolean().nullable().openapi({ description: "Rewards.isScored(id); null when the chain did not answer" }),
    evaluator: HexSchema.nullable(),
    score: z.number().int().nullable(),
    points: z.number().int().nullable(),
    subScores: z.record(z.number()).nullable(),
    flags: z.array(FlagSchema),
    rationale: z.record(z.unknown()).nullable().openapi({ description: "rationaleJson parsed, when it is a JSON object" }),
    rationaleJson: z.string().nullable().openapi({
      description: "The exact text whose keccak256 is this submission's leaf `[id, keccak256(rationaleJson)]` in the batch's rationale tree",
    }),
    batch: z
      .object({
        nonce: z.string(),
        state: z.string(),
        rationaleRoot: HexSchema,
        txHash: HexSchema.nullable(),
        proof: z.array(HexSchema).nullable().openapi({
          description: "StandardMerkleTree proof of the leaf against rationaleRoot; null if it cannot be built",
        }),
      })
      .nullable(),
  })
  .openapi("Submission");

export const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded", "down"]).openapi({
      description: "down (503): the database fails or cannot store; degraded: the chain does not answer, or the node is behind or missing items",
    }),
    reasons: z.array(z.string()).openapi({ description: "Why the status is not ok, one short sentence each" }),
    db: z.object({ ok: z.boolean(), schemaVersion: z.number().int().nullable() }),
    chain: z.object({
      ok: z.boolean(),
      headBlock: z.number().int().nullable(),
      lastProcessedBlock: z.number().int().nullable(),
      lagBlocks: z.number().int().nullable(),
    }),
    operator: z.string().nullable(),
  })
  .openapi("Health");
