/**
 * The relayer's settings, from the environment (docs/OPERATORS.md "Relayer"). Relaying is off unless
 * a relayer key is given; that key pays gas and nothing else, and is refused when it is the operator
 * key (a drained relayer must never stop batch posting, and a leaked relayer key must never sign).
 */
import fs from "node:fs";
import { Wallet, getAddress, isHexString } from "ethers";
import { ConfigError } from "../configError";
import { RELAY_ENV } from "./env";
import { DEFAULT_RELAYER_LIMITS, type RelayerLimits } from "./relayer";

export { RELAY_ENV };

export interface RelaySettings {
  relayerKey: Wallet;
  limits: RelayerLimits;
  clientBurst: number;
  clientWindowMs: number;
  telegram?: { botToken: string; maxAgeSeconds: number; required: boolean };
}

type Env = Record<string, string | undefined>;

/** The relay settings, or undefined when no relayer key is configured. Throws ConfigError naming each bad setting. */
export function relaySettingsFromEnv(env: Env, operatorAddress: string): RelaySettings | undefined {
  const issues: string[] = [];
  const secret = (valueName: string, fileName: string): string | undefined => {
    const value = env[valueName]?.trim();
    const file = env[fileName]?.trim();
    if (value && file) issues.push(`${valueName} and ${fileName}: give one, not both`);
    if (file) {
      try {
        return fs.readFileSync(file, "utf8").trim();
      } catch (error) {
        issues.push(`${fileName}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
        return undefined;
      }
    }
    return value || undefined;
  };
  const integer = (name: string, fallback: bigint, min: bigint): bigint => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === "") return fallback;
    if (!/^[0-9]+$/.test(raw) || BigInt(raw) < min) {
      issues.push(`${name}: expected an integer of at least ${min}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return BigInt(raw);
  };

  const keyText = secret(RELAY_ENV.key, RELAY_ENV.keyFile);
  let relayerKey: Wallet | undefined;
  if (keyText !== undefined) {
    if (!isHexString(keyText, 32)) {
      issues.push(`${RELAY_ENV.key}: the relayer key must be a 0x-prefixed 32-byte hex private key`);
    } else {
      relayerKey = new Wallet(keyText);
      if (getAddress(relayerKey.address) === getAddress(operatorAddress)) {
        issues.push(`${RELAY_ENV.key}: the relayer key is the operator key; give the relayer a key of its own`);
      }
    }
  }
  const limits: RelayerLimits = {
    maxGasPerRequest: integer(RELAY_ENV.maxGasPerRequest, DEFAULT_RELAYER_LIMITS.maxGasPerRequest, 50_000n),
    signerGasPerEpoch: integer(RELAY_ENV.signerGasPerEpoch, DEFAULT_RELAYER_LIMITS.signerGasPerEpoch, 0n),
    totalGasPerEpoch: integer(RELAY_ENV.totalGasPerEpoch, DEFAULT_RELAYER_LIMITS.totalGasPerEpoch, 0n),
    lowBalanceWei: integer(RELAY_ENV.lowBalanceWei, DEFAULT_RELAYER_LIMITS.lowBalanceWei, 0n),
    signerBurst: Number(integer(RELAY_ENV.signerBurst, BigInt(DEFAULT_RELAYER_LIMITS.signerBurst), 1n)),
    signerWindowMs: Number(integer(RELAY_ENV.signerWindowMs, BigInt(DEFAULT_RELAYER_LIMITS.signerWindowMs), 1000n)),
  };
  const clientBurst = Number(integer(RELAY_ENV.clientBurst, 20n, 1n));
  const clientWindowMs = Number(integer(RELAY_ENV.clientWindowMs, 3_600_000n, 1000n));

  const botToken = secret(RELAY_ENV.telegramBotToken, RELAY_ENV.telegramBotTokenFile);
  if (botToken !== undefined && !/^[0-9]+:[A-Za-z0-9_-]{10,}$/.test(botToken)) {
    issues.push(`${RELAY_ENV.telegramBotToken}: not a Telegram bot token (<bot id>:<secret>)`);
  }
  const maxAgeSeconds = Number(integer(RELAY_ENV.telegramMaxAgeSeconds, 3600n, 60n));
  const requireRaw = env[RELAY_ENV.requireTelegram]?.trim();
  if (requireRaw !== undefined && requireRaw !== "" && requireRaw !== "true" && requireRaw !== "false") {
    issues.push(`${RELAY_ENV.requireTelegram}: expected true or false, got ${JSON.stringify(requireRaw)}`);
  }
  if (requireRaw === "true" && botToken === undefined) {
    issues.push(`${RELAY_ENV.requireTelegram}: identity cannot be required without ${RELAY_ENV.telegramBotToken}`);
  }

  if (issues.length > 0) throw new ConfigError(issues);
  if (relayerKey === undefined) return undefined;
  return {
    relayerKey,
    limits,
    clientBurst,
    clientWindowMs,
    ...(botToken === undefined ? {} : { telegram: { botToken, maxAgeSeconds, required: requireRaw !== "false" } }),
  };
}
