import { CashKeyError } from "../errors";

/** The node could not start: the chain, the contracts or a part's settings are not what it needs. */
export class NodeStartError extends CashKeyError {
  override name = "NodeStartError";
}
