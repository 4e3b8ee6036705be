/** The typed API client: openapi-fetch over the types generated from the API's own OpenAPI
 * document (src/api/schema.d.ts, `npm run api:types`). It sends cookies, adds the CSRF token
 * to unsafe requests, and refreshes an expired access token once, silently, before retrying. */
import createClient from "openapi-fetch";
import type { paths } from "./schema";
import { ApiError, NetworkError } from "./problem";

/** Empty: the same origin (the API serves this client, and Amplify proxies /api to it). */
export const API_ORIGIN = process.env.NEXT_PUBLIC_API_ORIGIN ?? "";
const REFRESH_PATH = "/api/v1/auth/refresh";
const NO_REFRESH = [
  "/api/v1/auth/login",
  "/api/v1/auth/refresh",
  "/api/v1/auth/logout",
  "/api/v1/auth/register",
  "/api/v1/auth/google",
];
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
const PASSWORD_CHECKED = "/api/v1/auth/change-password";

let csrfToken: string | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | null = null;
const listeners = new Set<() => void>();

function readCookie(name: string): string | null {
  if (typeof document === "undefined") return null;
  for (const part of document.cookie.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return null;
}

const CSRF_KEY = "rf_csrf_token";

export function currentCsrf(): string | null {
  // The cookie first: another tab may have refreshed and rotated it. When the API is on
  // another origin (a stack without a domain) its cookie cannot be read here, so the token
  // from the last sign-in or refresh is kept (a CSRF token is no secret from this page).
  if (readCookie("rf_csrf")) return readCookie("rf_csrf");
  if (csrfToken) return csrfToken;
  try {
    return localStorage.getItem(CSRF_KEY);
  } catch {
    return null;
  }
}

/** Called with the body of a sign-in or refresh: keeps the CSRF token and schedules the next
 * silent refresh a minute (or a fifth of the lifetime) before the access token expires. */
const EXPIRES_KEY = "rf_access_expires_at";

function schedule(expiresAt: number, lifetimeMs: number): void {
  if (refreshTimer) clearTimeout(refreshTimer);
  const lead = Math.min(60_000, lifetimeMs / 5);
  const inMs = Math.max(5_000, expiresAt - lead - Date.now());
  refreshTimer = setTimeout(() => {
    void refreshSession();
  }, inMs);
}

export function signedIn(csrf: string, accessExpiresIn: number): void {
  csrfToken = csrf;
  const lifetime = accessExpiresIn * 1000;
  const expiresAt = Date.now() + lifetime;
  try {
    if (API_ORIGIN) localStorage.setItem(CSRF_KEY, csrf);
    localStorage.setItem(EXPIRES_KEY, `${expiresAt}:${lifetime}`);
  } catch {
    /* storage may be unavailable: the timer still runs in this page */
  }
  schedule(expiresAt, lifetime);
}

/** A page opened on an existing session: the timer picks up from the expiry the last sign-in
 * or refresh stored (this page's or another tab's). Nothing is refreshed on load: a reload in
 * the middle of a refresh would lose the rotated cookie and end the session. Without a stored
 * expiry the first 401 refreshes instead. */
export function resumeSession(): void {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(EXPIRES_KEY);
  } catch {
    return;
  }
  const [at, lifetime] = (stored ?? "").split(":").map(Number);
  if (at && lifetime && at > Date.now()) schedule(at, lifetime);
}

export function signedOut(): void {
  csrfToken = null;
  try {
    localStorage.removeItem(CSRF_KEY);
    localStorage.removeItem(EXPIRES_KEY);
  } catch {
    /* storage may be unavailable */
  }
  if (refreshTimer) clearTimeout(refreshTimer);
  refreshTimer = null;
  for (const l of listeners) l();
}

const beforeSignOut = new Set<() => Promise<unknown>>();

/** Work a feature must do with the session before it ends (the journal locks its grants). */
export function onSigningOut(task: () => Promise<unknown>): () => void {
  beforeSignOut.add(task);
  return () => beforeSignOut.delete(task);
}

/** Runs those tasks; one that fails does not keep anyone signed in. */
export async function signingOut(): Promise<void> {
  await Promise.allSettled([...beforeSignOut].map((task) => task()));
}

/** Called when the session cannot be refreshed any more (the app then shows sign-in). */
export function onSessionEnded(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

let inFlight: Promise<boolean> | null = null;
const REFRESHED_AT = "rf_refreshed_at";

async function doRefresh(since: number | undefined): Promise<boolean> {
  // Refresh tokens rotate and a reused one ends the whole session, so tabs take turns (the
  // cookie jar is shared, so each turn sends the newest refresh token); a request that failed
  // before another tab's refresh finished just retries with the cookies that one set.
  const run = async (): Promise<boolean> => {
    const last = Number(localStorage.getItem(REFRESHED_AT) ?? 0);
    if (since !== undefined && last > since) return true;
    const csrf = currentCsrf();
    let res: Response;
    try {
      res = await fetch(`${API_ORIGIN}${REFRESH_PATH}`, {
        method: "POST",
        credentials: "include",
        headers: csrf ? { "X-CSRF-Token": csrf } : {},
      });
    } catch {
      return false;
    }
    if (!res.ok) return false;
    const body = (await res.json()) as { csrf_token: string; access_expires_in: number };
    localStorage.setItem(REFRESHED_AT, String(Date.now()));
    signedIn(body.csrf_token, body.access_expires_in);
    return true;
  };
  if (typeof navigator !== "undefined" && navigator.locks) {
    return navigator.locks.request("rf-refresh", run);
  }
  return run();
}

/** Whether a silent refresh is already scheduled (after a sign-in or a refresh). */
export function refreshScheduled(): boolean {
  return refreshTimer !== null;
}

/** Refreshes the session once however many requests ask at the same time; `since`: when the
 * request that needs it was sent. */
export function refreshSession(since?: number): Promise<boolean> {
  if (!inFlight) {
    inFlight = doRefresh(since).finally(() => {
      inFlight = null;
    });
  }
  return inFlight;
}

function withCsrf(request: Request): Request {
  if (SAFE.has(request.method)) return request;
  const csrf = currentCsrf();
  if (!csrf) return request;
  const headers = new Headers(request.headers);
  headers.set("X-CSRF-Token", csrf);
  return new Request(request, { headers });
}

/** fetch with cookies, CSRF and one silent refresh on 401. */
export async function apiFetch(input: Request): Promise<Response> {
  const retry = input.clone();
  const sentAt = Date.now();
  let res: Response;
  try {
    res = await fetch(withCsrf(input));
  } catch {
    throw new NetworkError();
  }
  const path = new URL(input.url, location.href).pathname;
  // Without a CSRF token there is no session to refresh (a visitor who never signed in). The
  // routes that check a password answer a wrong one with 401 too: not an expired session.
  const checksPassword = path === PASSWORD_CHECKED || (path === "/api/v1/users/me" && input.method === "DELETE");
  if (res.status === 401 && !NO_REFRESH.includes(path) && !checksPassword && currentCsrf()) {
    if (await refreshSession(sentAt)) {
      try {
        return await fetch(withCsrf(retry));
      } catch {
        throw new NetworkError();
      }
    }
    signedOut();
  }
  return res;
}

export const api = createClient<paths>({
  baseUrl: API_ORIGIN,
  credentials: "include",
  fetch: apiFetch,
});

type Result<T> = { data?: T; error?: unknown; response: Response };

/** The data of a call, or an ApiError carrying the problem the API answered. */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    const body =
      error && typeof error === "object" ? (error as Record<string, unknown>) : { title: response.statusText };
    throw new ApiError(response.status, body, response.headers);
  }
  return data as T;
}
