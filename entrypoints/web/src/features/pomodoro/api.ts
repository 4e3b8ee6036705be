/** Pomodoro data: the typed calls and the query keys this screen uses. */
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type Session = components["schemas"]["pomodoro_SessionRead"];
export type Settings = components["schemas"]["pomodoro_SettingsRead"];
export type SettingsUpdate = components["schemas"]["pomodoro_SettingsUpdate"];
export type Current = components["schemas"]["CurrentRead"];
export type Summary = components["schemas"]["SummaryRead"];
export type Kind = Session["kind"];

export const KEYS = {
  all: ["pomodoro"] as const,
  current: ["pomodoro", "current"] as const,
  settings: ["pomodoro", "settings"] as const,
  stats: ["pomodoro", "stats"] as const,
  sessions: ["pomodoro", "sessions"] as const,
};

export const KIND_LABEL: Record<Kind, string> = {
  focus: "Focus",
  short_break: "Short break",
  long_break: "Long break",
};

export const KINDS: Kind[] = ["focus", "short_break", "long_break"];

export function minutesFor(kind: Kind, settings: Settings): number {
  if (kind === "focus") return settings.focus_minutes;
  if (kind === "short_break") return settings.short_break_minutes;
  return settings.long_break_minutes;
}

/** The current session and the server's clock offset (from the answer's Date header). */
export async function fetchCurrent(): Promise<{ current: Current; skewMs: number }> {
  const before = Date.now();
  const result = await api.GET("/api/v1/pomodoro/current");
  const after = Date.now();
  const current = await unwrap(Promise.resolve(result));
  const date = result.response.headers.get("date");
  const server = date ? Date.parse(date) : NaN;
  // The Date header has a resolution of one second: only a larger difference is a real skew.
  const raw = Number.isFinite(server) ? server + 500 - (before + after) / 2 : 0;
  return { current, skewMs: Math.abs(raw) > 3000 ? raw : 0 };
}

export const getSettings = () => unwrap(api.GET("/api/v1/pomodoro/settings"));
export const getStats = () => unwrap(api.GET("/api/v1/pomodoro/stats"));
export const getSessions = () => unwrap(api.GET("/api/v1/pomodoro/sessions", { params: { query: { limit: 10 } } }));

export function startSession(kind: Kind, replace: boolean) {
  return unwrap(
    api.POST("/api/v1/pomodoro/sessions", {
      params: { query: replace ? { replace: true } : {} },
      body: { kind },
    }),
  );
}

export const completeSession = (id: string) =>
  unwrap(api.POST("/api/v1/pomodoro/sessions/{session_id}/complete", { params: { path: { session_id: id } }, body: { tasks_done: 0 } }));

export const abandonSession = (id: string) =>
  unwrap(api.POST("/api/v1/pomodoro/sessions/{session_id}/abandon", { params: { path: { session_id: id } } }));

export const countTask = (id: string) =>
  unwrap(api.POST("/api/v1/pomodoro/sessions/{session_id}/tasks", { params: { path: { session_id: id } }, body: { count: 1 } }));

export const updateSettings = (body: SettingsUpdate) => unwrap(api.PATCH("/api/v1/pomodoro/settings", { body }));
