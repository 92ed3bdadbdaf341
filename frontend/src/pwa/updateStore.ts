/**
 * Whether a new version of the app is installed and waiting, and how to switch to it: set by the
 * service worker registration (register.ts), read by the prompt (UpdatePrompt.tsx).
 */
export interface PendingUpdate {
  /** Activates the waiting version and reloads the page onto it. */
  apply(): Promise<void>;
}

let pending: PendingUpdate | null = null;
const listeners = new Set<() => void>();

export function setPendingUpdate(update: PendingUpdate | null): void {
  pending = update;
  for (const listener of listeners) listener();
}

export function pendingUpdate(): PendingUpdate | null {
  return pending;
}

export function subscribePendingUpdate(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
