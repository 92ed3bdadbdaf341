import { useState } from "react";
import { useRuntimeConfig } from "../config/context";
import { PREFER_RELAYER_KEY } from "../hooks/useTransaction";

/** Lets a user have the oracle's relayer pay for submit and claim even when their account could. */
export function PreferRelayerToggle() {
  const runtime = useRuntimeConfig();
  const [prefer, setPrefer] = useState(() => globalThis.localStorage?.getItem(PREFER_RELAYER_KEY) === "1");
  if (!runtime.contracts.forwarder) return null;
  return (
    <label className="prefer-relayer">
      <input
        type="checkbox"
        checked={prefer}
        onChange={(event) => {
          setPrefer(event.target.checked);
          if (event.target.checked) localStorage.setItem(PREFER_RELAYER_KEY, "1");
          else localStorage.removeItem(PREFER_RELAYER_KEY);
        }}
      />{" "}
      Let the relayer pay gas for submit and claim
    </label>
  );
}
