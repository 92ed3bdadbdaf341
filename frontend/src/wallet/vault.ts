/**
 * The embedded wallet's key vault: a secp256k1 key created in the browser from WebCrypto randomness,
 * kept only encrypted (AES-256-GCM under a key derived from the user's passphrase with PBKDF2-SHA-256,
 * both through WebCrypto), the address bound to the ciphertext as additional data. Non-custodial: the
 * passphrase and the plain key never leave the page; losing both the passphrase and the backup loses
 * the key. A key created here holds no value until its backup is confirmed (`requireBackup`).
 */
import { type Address, type Hex, bytesToHex, getAddress, hexToBytes, isHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

export const VAULT_VERSION = 1;
/** OWASP's 2023 figure for PBKDF2-HMAC-SHA-256. */
export const PBKDF2_ITERATIONS = 600_000;
export const MIN_PASSPHRASE_LENGTH = 10;

export interface VaultRecord {
  version: typeof VAULT_VERSION;
  address: Address;
  kdf: { name: "PBKDF2"; hash: "SHA-256"; iterations: number; salt: Hex };
  cipher: { name: "AES-GCM"; iv: Hex };
  ciphertext: Hex;
  createdAt: number;
  /** When the user confirmed a backup (or imported the key, which they already hold); null until then. */
  backedUpAt: number | null;
}

export class VaultError extends Error {
  override name = "VaultError";
  constructor(
    readonly code: "weak_passphrase" | "wrong_passphrase" | "corrupt" | "backup_required" | "backup_mismatch" | "invalid_key",
    message: string,
  ) {
    super(message);
  }
}

const encoder = new TextEncoder();

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new VaultError("corrupt", "This browser has no WebCrypto (a secure context is required).");
  return s;
}

function checkPassphrase(passphrase: string): void {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new VaultError("weak_passphrase", `Use a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters.`);
  }
}

/** Bytes WebCrypto accepts (a copy over a plain ArrayBuffer). */
function bytes(hex: Hex): Uint8Array<ArrayBuffer> {
  return new Uint8Array(hexToBytes(hex));
}

async function aesKey(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const base = await subtle().importKey("raw", encoder.encode(passphrase), "PBKDF2", false, ["deriveKey"]);
  return subtle().deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

/** A fresh private key from WebCrypto's CSPRNG (retried in the negligible case it is not a valid scalar). */
export function generatePrivateKey(): Hex {
  for (;;) {
    const key = bytesToHex(globalThis.crypto.getRandomValues(new Uint8Array(32)));
    try {
      privateKeyToAccount(key);
      return key;
    } catch {
      // 0 or ≥ the curve order: draw again.
    }
  }
}

/** Encrypts `privateKey` under `passphrase`. */
export async function sealKey(privateKey: Hex, passphrase: string, options: { backedUp: boolean; iterations?: number; now?: number }): Promise<VaultRecord> {
  checkPassphrase(passphrase);
  if (!isHex(privateKey) || privateKey.length !== 66) throw new VaultError("invalid_key", "A private key is 0x and 64 hex digits.");
  let address: Address;
  try {
    address = privateKeyToAccount(privateKey).address;
  } catch {
    throw new VaultError("invalid_key", "This is not a valid private key.");
  }
  const iterations = options.iterations ?? PBKDF2_ITERATIONS;
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const key = await aesKey(passphrase, salt, iterations);
  const ciphertext = new Uint8Array(await subtle().encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(address) }, key, bytes(privateKey)));
  const now = options.now ?? Date.now();
  return {
    version: VAULT_VERSION,
    address,
    kdf: { name: "PBKDF2", hash: "SHA-256", iterations, salt: bytesToHex(salt) },
    cipher: { name: "AES-GCM", iv: bytesToHex(iv) },
    ciphertext: bytesToHex(ciphertext),
    createdAt: now,
    backedUpAt: options.backedUp ? now : null,
  };
}

/** Creates a new key and its vault record (not backed up yet). */
export async function createVault(passphrase: string, options: { iterations?: number; now?: number } = {}): Promise<VaultRecord> {
  return sealKey(generatePrivateKey(), passphrase, { ...options, backedUp: false });
}

/** Imports a key the user already holds (so it counts as backed up). */
export async function importVault(privateKey: string, passphrase: string, options: { iterations?: number; now?: number } = {}): Promise<VaultRecord> {
  const key = (privateKey.trim().startsWith("0x") ? privateKey.trim() : `0x${privateKey.trim()}`).toLowerCase() as Hex;
  return sealKey(key, passphrase, { ...options, backedUp: true });
}

/** Decrypts the key; a wrong passphrase (or any change to the record) fails the AES-GCM tag. */
export async function unlockVault(record: VaultRecord, passphrase: string): Promise<Hex> {
  if (record.version !== VAULT_VERSION || record.kdf.name !== "PBKDF2" || record.cipher.name !== "AES-GCM") {
    throw new VaultError("corrupt", "Unknown wallet format.");
  }
  const key = await aesKey(passphrase, bytes(record.kdf.salt), record.kdf.iterations);
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(
      await subtle().decrypt({ name: "AES-GCM", iv: bytes(record.cipher.iv), additionalData: encoder.encode(getAddress(record.address)) }, key, bytes(record.ciphertext)),
    );
  } catch {
    throw new VaultError("wrong_passphrase", "Wrong passphrase.");
  }
  const privateKey = bytesToHex(plain);
  if (privateKeyToAccount(privateKey).address !== getAddress(record.address)) throw new VaultError("corrupt", "The wallet does not match its address.");
  return privateKey;
}

/** What the backup screen shows: the key itself, after the passphrase. */
export async function exportKey(record: VaultRecord, passphrase: string): Promise<Hex> {
  return unlockVault(record, passphrase);
}

/**
 * Confirms the backup: the user types back the last 8 hex digits of the key they wrote down, with the
 * passphrase. Only then may the wallet hold value.
 */
export async function confirmBackup(record: VaultRecord, passphrase: string, lastDigits: string, now = Date.now()): Promise<VaultRecord> {
  const key = await unlockVault(record, passphrase);
  if (lastDigits.trim().toLowerCase() !== key.slice(-8)) {
    throw new VaultError("backup_mismatch", "Those are not the last 8 characters of your key; check your backup.");
  }
  return { ...record, backedUpAt: now };
}

/** Refuses anything that makes the wallet hold value (submissions earn rewards, claims mint them) before a backup. */
export function requireBackup(record: VaultRecord): void {
  if (record.backedUpAt === null) {
    throw new VaultError("backup_required", "Back up your wallet first: write down its key, then confirm it.");
  }
}
