/**
 * Telegram identity for the relayer: a relayed request carries the Mini App's signed launch data
 * (`initData`); the node checks it against the bot token and ties the signing account to that
 * Telegram user, one to one and for good. A sybil then needs one Telegram account per relayed
 * account. With `required`, a request without valid launch data is not relayed at all.
 */
import { ApiError } from "../http/errors";
import type { RelayIdentity } from "../relay/relayer";
import type { Store } from "../store";
import { TelegramAuthError, verifyInitData } from "./initData";

export interface TelegramIdentityOptions {
  botToken: string;
  /** Oldest launch data accepted, in seconds. */
  maxAgeSeconds: number;
  /** Relay only requests with valid launch data. */
  required: boolean;
  store: Store;
  /** Clock in Unix seconds. */
  nowSeconds?: () => number;
}

export function telegramIdentity(options: TelegramIdentityOptions): RelayIdentity {
  const { store } = options;
  return {
    check(signer, proof) {
      if (proof === undefined) {
        if (options.required) {
          throw new ApiError(401, "relay_identity_required", "Open the app from Telegram: relaying needs the Mini App's launch data.");
        }
        return undefined;
      }
      let userId: number;
      try {
        userId = verifyInitData(proof, options.botToken, {
          maxAgeSeconds: options.maxAgeSeconds,
          ...(options.nowSeconds ? { nowSeconds: options.nowSeconds() } : {}),
        }).user.id;
      } catch (error) {
        if (error instanceof TelegramAuthError) {
          throw new ApiError(401, "relay_identity_invalid", error.shortMessage, { details: { reason: error.reason } });
        }
        throw error;
      }
      const boundUser = store.telegramAccounts.userOf(signer);
      const boundAccount = store.telegramAccounts.accountOf(userId);
      if (boundAccount !== undefined && boundAccount !== signer.toLowerCase()) {
        throw new ApiError(
          403,
          "relay_identity_taken",
          "This Telegram account already has its gas paid for another CashKey wallet: the relayer pays for one wallet per Telegram user, so use that wallet.",
        );
      }
      if (boundUser !== undefined && boundUser !== userId) {
        throw new ApiError(403, "relay_identity_taken", "This wallet's gas is paid for another Telegram user: open the app from that Telegram account.");
      }
      return userId;
    },
    bind(signer, userId) {
      store.telegramAccounts.bind(signer, userId);
    },
  };
}
