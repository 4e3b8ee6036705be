"use client";
/** Time for the timer. Remaining time is always computed from timestamps (when the session
 * started on the server, how long it was planned for, and the client's clock corrected by its
 * skew against the server's), never by adding up ticks, so a sleeping tab or a suspended
 * laptop shows the right time as soon as it is looked at again. */
import { useEffect, useState } from "react";
import type { Session } from "./api";

/** Date.now(), refreshed every 100 ms while the page is visible and at once when it becomes
 * visible again; nothing runs while it is hidden. `wakeAt` (a Date.now() value) also refreshes
 * it once at that moment, hidden or not, so a session that ends in the background ends. */
export function useNow(active: boolean, wakeAt?: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    let timer: ReturnType<typeof setInterval> | null = null;
    const tick = () => setNow(Date.now());
    const run = () => {
      if (timer) clearInterval(timer);
      timer = null;
      tick();
      if (document.visibilityState !== "hidden") timer = setInterval(tick, 100);
    };
    run();
    document.addEventListener("visibilitychange", run);
    window.addEventListener("pageshow", run);
    window.addEventListener("focus", run);
    return () => {
      if (timer) clearInterval(timer);
      document.removeEventListener("visibilitychange", run);
      window.removeEventListener("pageshow", run);
      window.removeEventListener("focus", run);
    };
  }, [active]);
  useEffect(() => {
    if (!active || wakeAt == null) return;
    const t = setTimeout(() => setNow(Date.now()), Math.max(0, wakeAt - Date.now()) + 50);
    return () => clearTimeout(t);
  }, [active, wakeAt]);
  return now;
}

/** The running session as this browser last knew it, so a reload shows it at once. */
export interface Running {
  session: Session;
  /** server time minus client time, in milliseconds */
  skewMs: number;
}

const KEY = "rf_pomodoro_running";

export function loadRunning(): Running | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const r = JSON.parse(raw) as Running;
    return r?.session?.id && r.session.status === "running" ? r : null;
  } catch {
    return null;
  }
}

export function saveRunning(r: Running | null): void {
  try {
    if (r) localStorage.setItem(KEY, JSON.stringify(r));
    else localStorage.removeItem(KEY);
  } catch {
    /* storage may be unavailable */
  }
}

/** When the session ends, in the client's clock. */
export function endsAt(r: Running): number {
  return Date.parse(r.session.started_at) + r.session.planned_seconds * 1000 - r.skewMs;
}

export function formatClock(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(h ? 2 : 2, "0");
  const ss = String(s).padStart(2, "0");
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function spokenDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  const parts = [];
  if (m) parts.push(`${m} minute${m === 1 ? "" : "s"}`);
  if (s || !m) parts.push(`${s} second${s === 1 ? "" : "s"}`);
  return parts.join(" ");
}
