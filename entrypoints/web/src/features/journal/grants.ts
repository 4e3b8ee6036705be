/** Unlock grants of protected collections, kept only in this module's memory (never in
 * storage or URLs): collection id -> token, forgotten when it expires, on Lock, on sign-out. */
import { useSyncExternalStore } from "react";
import { api, onSessionEnded, onSigningOut } from "@/api/client";

export const GRANT_HEADER = "X-Journal-Grant";
/** Forget a grant a little before the API does, so no request carries one that just ended. */
const MARGIN_S = 5;

interface Grant {
  token: string;
  expiresAt: number;
}

let grants: ReadonlyMap<string, Grant> = new Map();
const timers = new Map<string, ReturnType<typeof setTimeout>>();
const listeners = new Set<() => void>();

function set(next: Map<string, Grant>): void {
  grants = next;
  for (const l of listeners) l();
}

export function keepGrant(collectionId: string, token: string, expiresIn: number): void {
  const ms = Math.max(1, expiresIn - MARGIN_S) * 1000;
  const next = new Map(grants);
  next.set(collectionId, { token, expiresAt: Date.now() + ms });
  clearTimeout(timers.get(collectionId));
  timers.set(
    collectionId,
    setTimeout(() => forgetGrant(collectionId), ms),
  );
  set(next);
}

export function forgetGrant(collectionId: string): void {
  clearTimeout(timers.get(collectionId));
  timers.delete(collectionId);
  if (!grants.has(collectionId)) return;
  const next = new Map(grants);
  next.delete(collectionId);
  set(next);
}

export function forgetAllGrants(): void {
  for (const t of timers.values()) clearTimeout(t);
  timers.clear();
  if (grants.size) set(new Map());
}

function live(): [string, Grant][] {
  const now = Date.now();
  return [...grants].filter(([, g]) => g.expiresAt > now);
}

/** The header carrying the grants (all, or those of `ids`); empty when there are none. */
export function grantHeaders(ids?: string[]): Record<string, string> {
  const tokens = live()
    .filter(([id]) => !ids || ids.includes(id))
    .map(([, g]) => g.token);
  return tokens.length ? { [GRANT_HEADER]: tokens.join(",") } : {};
}

export function hasGrant(collectionId: string): boolean {
  const g = grants.get(collectionId);
  return !!g && g.expiresAt > Date.now();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const NONE: ReadonlyMap<string, Grant> = new Map();

/** The grants now, re-rendering when one is kept, expires or is forgotten. */
export function useGrants(): ReadonlyMap<string, Grant> {
  return useSyncExternalStore(subscribe, () => grants, () => NONE);
}

/** A stable part of query keys: which collections are unlocked (tokens stay out of keys). */
export function grantKey(g: ReadonlyMap<string, Grant>): string {
  return [...g.keys()].sort().join(",");
}

if (typeof window !== "undefined") {
  onSessionEnded(forgetAllGrants);
  // Signing out ends the grants on the server too, not only in this page's memory.
  onSigningOut(async () => {
    const headers = grantHeaders();
    if (!headers[GRANT_HEADER]) return;
    await api.POST("/api/v1/journal/lock", { headers });
    forgetAllGrants();
  });
}
