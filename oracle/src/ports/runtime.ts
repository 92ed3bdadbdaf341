/** Small shapes the node's parts and their adapters share: no imports, so any folder may use them. */

/** A value or a promise of it: store adapters may be synchronous (better-sqlite3) or not. */
export type Awaitable<T> = T | Promise<T>;

/** The subset of a pino logger the adapters use. */
export interface ChainLogger {
  debug(object: object, message: string): void;
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export const silentLogger: ChainLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
