/**
 * The session's transactions, newest first, for the toasts and the activity panel: one entry per
 * `useTransaction` send, updated as it moves from signing to confirmed or failed. Kept in memory
 * (the chain is the record; this is what the user did in this tab).
 */
import { useSyncExternalStore } from "react";
import type { Address, Hash } from "viem";

export interface ActivityEntry {
  id: number;
  label: string;
  phase: "signing" | "pending" | "confirmed" | "failed";
  hash?: Hash;
  paidBy?: Address;
  message?: string;
  /** Wall-clock milliseconds of the last change (toasts show recent changes only). */
  at: number;
}

const MAX_ENTRIES = 20;
let entries: readonly ActivityEntry[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit(): void {
  for (const listener of listeners) listener();
}

/** Starts an entry; returns its id for `updateActivity`. */
export function startActivity(label: string): number {
  const id = nextId++;
  entries = [{ id, label, phase: "signing" as const, at: Date.now() }, ...entries].slice(0, MAX_ENTRIES);
  emit();
  return id;
}

export function updateActivity(id: number, change: Partial<Omit<ActivityEntry, "id" | "label" | "at">>): void {
  entries = entries.map((entry) => (entry.id === id ? { ...entry, ...change, at: Date.now() } : entry));
  emit();
}

export function dismissActivity(id: number): void {
  entries = entries.filter((entry) => entry.id !== id);
  emit();
}

export function clearActivity(): void {
  entries = [];
  emit();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useActivity(): readonly ActivityEntry[] {
  return useSyncExternalStore(
    subscribe,
    () => entries,
    () => entries,
  );
}
