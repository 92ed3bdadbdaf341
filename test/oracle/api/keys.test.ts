import fs from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { expect } from "chai";
import { Wallet } from "ethers";
import {
  KeystoreError,
  KeystoreExistsError,
  KeystoreNotFoundError,
  KeystorePasswordError,
  createKeystore,
  loadOperatorKey,
  readKeystorePassword,
} from "../../../oracle/src/keys";
import { createLogger } from "../../../oracle/src/apiServer";
import { tempDir } from "../store/fixtures";

/** Low scrypt cost: the format is the same, the tests stay fast. */
const FAST = { scryptN: 1024 };
const PASSWORD = "correct horse battery staple";

describe("operator keys", function () {
  let dir: string;
  let cleanup: () => void;
  let file: string;

  beforeEach(function () {
    ({ dir, cleanup } = tempDir("cashkey-keys-"));
    file = path.join(dir, "keys", "operator.json");
  });

  afterEach(function () {
    cleanup();
  });

  describe("createKeystore", function () {
    it("writes an encrypted keystore readable only by its owner", async function () {
      const { address, path: written } = await createKeystore(file, PASSWORD, FAST);
      expect(written).to.equal(file);
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
      const json = JSON.parse(fs.readFileSync(file, "utf8")) as { address: string; Crypto: { kdf: string; ciphertext: string } };
      expect(`0x${json.address}`.toLowerCase()).to.equal(address.toLowerCase());
      expect(json.Crypto).to.include({ kdf: "scrypt" });
    });

    it("never overwrites an existing file", async function () {
      await createKeystore(file, PASSWORD, FAST);
      const before = fs.readFileSync(file, "utf8");
      let caught: unknown;
      try {
        await createKeystore(file, PASSWORD, FAST);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(KeystoreExistsError);
      expect(fs.readFileSync(file, "utf8")).to.equal(before);
    });

    it("refuses a short password", async function () {
      let caught: unknown;
      try {
        await createKeystore(file, "short", FAST);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(KeystoreError);
      expect(fs.existsSync(file)).to.equal(false);
    });
  });

  describe("loadOperatorKey", function () {
    it("unlocks the key with the right password", async function () {
      const { address } = await createKeystore(file, PASSWORD, FAST);
      const wallet = await loadOperatorKey(file, PASSWORD);
      expect(wallet).to.be.instanceOf(Wallet);
      expect(wallet.address).to.equal(address);
    });

    it("says the password is wrong, without repeating it", async function () {
      await createKeystore(file, PASSWORD, FAST);
      let caught: unknown;
      try {
        await loadOperatorKey(file, "wrong password 123");
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(KeystorePasswordError);
      expect((caught as Error).message)
        .to.contain(file)
        .and.not.contain("wrong password 123");
    });

    it("says when the file is missing", async function () {
      let caught: unknown;
      try {
        await loadOperatorKey(file, PASSWORD);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(KeystoreNotFoundError);
      expect((caught as Error).message).to.contain(`No keystore at ${file}`);
    });

    it("says when the file is not a keystore", async function () {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, '{"hello":"world"}');
      let caught: unknown;
      try {
        await loadOperatorKey(file, PASSWORD);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(KeystoreError);
      expect((caught as Error).message).to.contain("not a valid JSON keystore");
    });
  });

  describe("readKeystorePassword", function () {
    it("takes the password from the environment", function () {
      expect(readKeystorePassword({ password: PASSWORD })).to.equal(PASSWORD);
    });

    it("reads a password file without its trailing newline", function () {
      const passwordFile = path.join(dir, "password");
      fs.writeFileSync(passwordFile, `${PASSWORD}\n`);
      expect(readKeystorePassword({ passwordFile })).to.equal(PASSWORD);
    });

    it("names the setting when there is no password", function () {
      expect(() => readKeystorePassword({})).to.throw(KeystoreError, /No keystore password/);
      expect(() => readKeystorePassword({ passwordFile: path.join(dir, "missing") })).to.throw(KeystoreError, /CASHKEY_ORACLE_KEYSTORE_PASSWORD_FILE: cannot read/);
    });
  });

  describe("log redaction", function () {
    it("censors key-like fields at any of three levels", function () {
      const lines: string[] = [];
      const logger = createLogger(
        "info",
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            lines.push(chunk.toString());
            done();
          },
        }),
      );
      const wallet = Wallet.createRandom();
      logger.info(
        {
          privateKey: wallet.privateKey,
          config: { keystore: { password: PASSWORD }, llm: { apiKey: "sk-secret-123" } },
          mnemonic: wallet.mnemonic?.phrase,
          operator: wallet.address,
        },
        "starting",
      );
      logger.info({ wallet, signer: { key: wallet.signingKey } }, "wallet object");
      const output = lines.join("");
      for (const secret of [wallet.privateKey, wallet.privateKey.slice(2), PASSWORD, "sk-secret-123", wallet.mnemonic!.phrase]) {
        expect(output).not.to.contain(secret);
      }
      expect(output).to.contain("[redacted]");
      expect(output).to.contain(wallet.address);
    });
  });
});
