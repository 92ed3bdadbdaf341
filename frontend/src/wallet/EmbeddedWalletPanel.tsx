/**
 * Create, back up, import, unlock and delete the embedded wallet. A new wallet must be backed up (the
 * key written down and its last 8 characters typed back) before it can be connected, so it can never
 * hold value unbacked; an imported key is already held by the user.
 */
import { type FormEvent, useEffect, useState } from "react";
import { type Connector, useConnect } from "wagmi";
import { describeWalletErrorOrMessage } from "../lib/walletErrors";
import type { EmbeddedProvider } from "./connector";
import type { VaultStore } from "./store";
import { type VaultRecord, confirmBackup, createVault, exportKey, importVault } from "./vault";

/** Inside Telegram (startTelegram marks the page) the embedded wallet is the way in: shown unfolded. */
function inTelegram(): boolean {
  return typeof document !== "undefined" && document.documentElement.classList.contains("telegram");
}

type Step = { kind: "loading" } | { kind: "none" } | { kind: "backup"; record: VaultRecord; key?: string } | { kind: "locked"; record: VaultRecord };

export function EmbeddedWalletPanel({ connector, store, chainId }: { connector: Connector; store: VaultStore; chainId: number }) {
  const connect = useConnect();
  const [step, setStep] = useState<Step>({ kind: "loading" });
  const [passphrase, setPassphrase] = useState("");
  const [secret, setSecret] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void store.get().then(
      (record) => setStep(record === undefined ? { kind: "none" } : record.backedUpAt === null ? { kind: "backup", record } : { kind: "locked", record }),
      () => setStep({ kind: "none" }),
    );
  }, [store]);

  const act = (fn: () => Promise<void>) => async (event?: FormEvent) => {
    event?.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await fn();
    } catch (caught) {
      setError(describeWalletErrorOrMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  const create = act(async () => {
    const record = await createVault(passphrase);
    await store.put(record);
    setStep({ kind: "backup", record });
  });
  const importKey = act(async () => {
    const record = await importVault(secret, passphrase);
    await store.put(record);
    setSecret("");
    setStep({ kind: "locked", record });
  });
  const reveal = (record: VaultRecord) => act(async () => setStep({ kind: "backup", record, key: await exportKey(record, passphrase) }));
  const confirm = (record: VaultRecord) =>
    act(async () => {
      const backedUp = await confirmBackup(record, passphrase, secret);
      await store.put(backedUp);
      setSecret("");
      setStep({ kind: "locked", record: backedUp });
    });
  const unlock = act(async () => {
    const provider = (await connector.getProvider()) as EmbeddedProvider;
    await provider.unlock(passphrase);
    setPassphrase("");
    connect.mutate({ connector, chainId });
  });
  const remove = (record: VaultRecord) =>
    act(async () => {
      const warning = record.backedUpAt === null ? " It is NOT backed up: its rewards will be lost." : " Only your backup can restore it.";
      if (!window.confirm(`Delete the wallet ${record.address} from this device?${warning}`)) return;
      await store.delete();
      setStep({ kind: "none" });
    });

  const passphraseInput = (
    <label>
      Passphrase
      <input type="password" autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} minLength={10} required />
    </label>
  );

  return (
    <section className="embedded-wallet" aria-label="CashKey wallet">
      {(step.kind === "loading" || step.kind === "none") && (
        // Folded until asked for (open inside Telegram, where it is the way in): the header keeps its
        // size while the vault is looked up, so the page below never jumps (layout shift).
        <details className="wallet-create" open={inTelegram() || undefined}>
          <summary>Create a CashKey wallet: no extension, no ETH needed</summary>
          {step.kind === "none" && (
            <>
              <form onSubmit={create}>
                <p>No wallet extension? Create a CashKey wallet in this browser. Its key is encrypted with your passphrase and never leaves this device.</p>
                {passphraseInput}
                <button type="submit" disabled={busy}>
                  Create wallet
                </button>
              </form>
              <form onSubmit={importKey}>
                <label>
                  Private key to import
                  <input type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} required />
                </label>
                <button type="submit" className="secondary" disabled={busy || passphrase.length < 10}>
                  Import key
                </button>
              </form>
            </>
          )}
        </details>
      )}
      {step.kind === "backup" && (
        <form onSubmit={step.key === undefined ? reveal(step.record) : confirm(step.record)}>
          <p role="alert">Back up your wallet before using it: anyone with this key controls its rewards, and without it a lost device loses them.</p>
          {passphraseInput}
          {step.key === undefined ? (
            <button type="submit" disabled={busy}>
              Show my key
            </button>
          ) : (
            <>
              <p className="mono" data-testid="backup-key">
                {step.key}
              </p>
              <label>
                Type the last 8 characters of the key
                <input value={secret} onChange={(e) => setSecret(e.target.value)} required />
              </label>
              <button type="submit" disabled={busy}>
                I wrote it down
              </button>
            </>
          )}
        </form>
      )}
      {step.kind === "locked" && (
        <form onSubmit={unlock}>
          <p className="mono">{step.record.address}</p>
          {passphraseInput}
          <button type="submit" disabled={busy || connect.isPending}>
            Unlock CashKey wallet
          </button>
          <button type="button" className="secondary" onClick={() => void remove(step.record)()}>
            Delete from this device
          </button>
        </form>
      )}
      {error && (
        <p className="banner warn" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
