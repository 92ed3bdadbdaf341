import { useRefreshOnNewBlock } from "../hooks/useChain";

/** Mounted once in the app: the chain reads on screen refresh when a new block arrives. */
export function RefreshOnNewBlock() {
  useRefreshOnNewBlock();
  return null;
}
