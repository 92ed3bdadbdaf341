/**
 * The operator key: an ethers JSON keystore (scrypt + AES-128-CTR) on disk, readable only by its
 * owner, unlocked at start with a password from the environment or a password file. The key and
 * the password never reach a log line or an error message.
 */
import fs from "node:fs";
import path from "node:path";
import type { LoggerOptions } from "pino";
import { BaseWallet, SigningKey, Wallet, encryptKeystoreJson, isError } from "ethers";
import { CashKeyError } from "./errors";

export class KeystoreError extends CashKeyError {
  override name = "KeystoreError";
}

export class KeystoreNotFoundError extends KeystoreError {
  override name = "KeystoreNotFoundError";
}

export class KeystoreExistsError extends KeystoreError {
  override name = "KeystoreExistsError";
}

export class KeystorePasswordError extends KeystoreError {
  override name = "KeystorePasswordError";
}

/** The shortest password `createKeystore` accepts. */
export const MIN_PASSWORD_LENGTH = 8;

export interface CreateKeystoreOptions {
  /** scrypt cost (a power of two). Default: ethers' 2^17; tests use less. */
  scryptN?: number;
}

/**
 * Creates a new random operator key in an encrypted keystore at `file` (mode 0600, folder 0700
 * when created). Refuses to overwrite an existing file. Returns the operator address.
 */
export async function createKeystore(file: string, password: string, options: CreateKeystoreOptions = {}): Promise<{ address: string; path: string }> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new KeystoreError(`A keystore password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  const target = path.resolve(file);
  if (fs.existsSync(target)) throw new KeystoreExistsError(`A keystore already exists at ${target}; it is never overwritten.`);
  const wallet = Wallet.createRandom();
  const json =
    options.scryptN === undefined
      ? await wallet.encrypt(password)
      : await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, password, { scrypt: { N: options.scryptN } });

  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  let fd: number;
  try {
    // "wx": fails if the file appeared meanwhile, so a key is never replaced.
    fd = fs.openSync(target, "wx", 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new KeystoreExistsError(`A keystore already exists at ${target}; it is never overwritten.`);
    }
    throw new KeystoreError(`Cannot create the keystore at ${target}.`, { cause: error });
  }
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeFileSync(fd, json);
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(target, { force: true });
    throw new KeystoreError(`Cannot write the keystore at ${target}.`, { cause: error });
  }
  fs.closeSync(fd);
  return { address: wallet.address, path: target };
}

/** Unlocks the operator key. Errors name the file, never the password or the key. */
export async function loadOperatorKey(file: string, password: string): Promise<Wallet> {
  const target = path.resolve(file);
  let json: string;
  try {
    json = fs.readFileSync(target, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new KeystoreNotFoundError(`No keystore at ${target}.`, {
        details: "create one with createKeystore (see docs/OPERATORS.md, Keys) or set CASHKEY_ORACLE_KEYSTORE",
      });
    }
    throw new KeystoreError(`Cannot read the keystore at ${target}.`, { details: (error as NodeJS.ErrnoException).code });
  }
  let decrypted: { privateKey: string };
  try {
    decrypted = await Wallet.fromEncryptedJson(json, password);
  } catch (error) {
    if (isError(error, "INVALID_ARGUMENT") && error.argument === "password") {
      throw new KeystorePasswordError(`The password does not unlock the keystore at ${target}.`);
    }
    // Not the ethers message: it may quote parts of the file.
    throw new KeystoreError(`The file at ${target} is not a valid JSON keystore.`);
  }
  return new Wallet(decrypted.privateKey);
}

/**
 * The keystore password: CASHKEY_ORACLE_KEYSTORE_PASSWORD, or the first line of the file named by
 * CASHKEY_ORACLE_KEYSTORE_PASSWORD_FILE (a trailing newline is not part of the password).
 */
export function readKeystorePassword(keystore: { password?: string; passwordFile?: string }): string {
  if (keystore.password !== undefined) return keystore.password;
  if (keystore.passwordFile === undefined) {
    throw new KeystoreError("No keystore password.", {
      details: "set CASHKEY_ORACLE_KEYSTORE_PASSWORD or CASHKEY_ORACLE_KEYSTORE_PASSWORD_FILE",
    });
  }
  let content: string;
  try {
    content = fs.readFileSync(keystore.passwordFile, "utf8");
  } catch (error) {
    throw new KeystoreError(`CASHKEY_ORACLE_KEYSTORE_PASSWORD_FILE: cannot read ${keystore.passwordFile}.`, {
      details: (error as NodeJS.ErrnoException).code,
    });
  }
  const password = content.replace(/\r?\n$/, "");
  if (password === "") throw new KeystoreError(`CASHKEY_ORACLE_KEYSTORE_PASSWORD_FILE: ${keystore.passwordFile} is empty.`);
  return password;
}

/** Field names that hold secrets wherever they appear in a log object (up to three levels deep). */
export const SECRET_FIELDS = ["privateKey", "private_key", "signingKey", "mnemonic", "password", "apiKey", "api_key", "secret", "authorization"] as const;

/** pino `redact` paths: every SECRET_FIELDS name at depth 1, 2 and 3, and request headers. */
export const LOG_REDACT_PATHS: readonly string[] = [...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]), 'req.headers["x-api-key"]'];

/**
 * Replaces ethers wallets and signing keys (at any depth up to 4) by their address before pino
 * serializes a log object: their getters would otherwise expose the key, or throw inside redaction.
 */
export function censorKeyObjects(value: unknown, depth = 0): unknown {
  if (value instanceof BaseWallet) return { address: value.address, privateKey: "[redacted]" };
  if (value instanceof SigningKey) return "[redacted]";
  if (depth >= 4 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => censorKeyObjects(item, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, censorKeyObjects(item, depth + 1)]));
}

/** pino options that keep keys, passwords and API keys out of every log line. */
export const LOG_SAFETY: Pick<LoggerOptions, "redact" | "formatters"> = {
  redact: { paths: [...LOG_REDACT_PATHS], censor: "[redacted]" },
  formatters: { log: (object) => censorKeyObjects(object) as Record<string, unknown> },
};
