import { CashKeyError } from "./errors";

/**
 * Invalid settings, one line per problem. Apart from config.ts (which re-exports it) because relay/
 * and telegram/ check their own settings with it while config.ts reads their env names: no import
 * cycle between them (test/oracle/layers.test.ts).
 */
export class ConfigError extends CashKeyError {
  override name = "ConfigError";
  /** One line per problem, each naming the setting. */
  readonly issues: readonly string[];

  constructor(issues: readonly string[]) {
    super("Invalid configuration.", { metaMessages: issues });
    this.issues = issues;
  }
}
