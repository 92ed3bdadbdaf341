import { OpenAPIHono } from "@hono/zod-openapi";
import { validationError } from "./errors";
import type { AppEnv } from "./types";

/** A router whose failed schema checks become 400s with the app's JSON error body. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.target, result.error);
    },
  });
}
