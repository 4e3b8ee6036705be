"use client";
/** The timer: the running session (from the server, or from this browser's memory of it while
 * the server answers), the kind to start next, start, finish and abandon, and a live region
 * that announces only when a phase begins or ends. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { ApiError } from "@/api/problem";
import { Button, Card, ErrorNote, Loading, cx } from "@/components/ui";
import {
  KEYS,
  KINDS,
  KIND_LABEL,
  abandonSession,
  completeSession,
  fetchCurrent,
  minutesFor,
  startSession,
  type Current,
  type Kind,
  type Session,
} from "./api";
import { endsAt, formatClock, loadRunning, saveRunning, spokenDuration, useNow, type Running } from "./clock";
import { TasksCard, forgetTasks } from "./tasks";

type CurrentData = { current: Current; skewMs: number };

/** The API counts whole seconds elapsed on its own clock: completing a moment after the end,
 * never before, credits the full planned time (the display shows 00:00 meanwhile). */
const GRACE_MS = 1000;

function runningSessionId(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null;
  const id = error.body.running_session_id;
  return typeof id === "string" ? id : null;
}

export function Timer() {
  const queryClient = useQueryClient();
  const current = useQuery({ queryKey: KEYS.current, queryFn: fetchCurrent, refetchOnWindowFocus: true });
  const [local, setLocal] = useState<Running | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [chosen, setChosen] = useState<Kind | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const finishing = useRef(new Set<string>());

  // What this browser remembered: shown at once after a reload, until the server answers.
  useEffect(() => {
    setLocal(loadRunning());
    setLoaded(true);
  }, []);

  const serverSession = current.data?.current.session ?? null;
  const running: Running | null = current.data
    ? serverSession
      ? { session: serverSession, skewMs: local?.session.id === serverSession.id ? local.skewMs : current.data.skewMs }
      : null
    : local;

  // Keep the browser's memory in step with the server's answer.
  useEffect(() => {
    if (!current.data || !loaded) return;
    saveRunning(running);
    setLocal(running);
  }, [current.data, loaded]); // eslint-disable-line react-hooks/exhaustive-deps

  const end = running ? endsAt(running) : null;
  const now = useNow(running != null, end == null ? null : end + GRACE_MS);
  const remaining = end != null ? end - now : null;

  const setSession = (session: Session | null) => {
    queryClient.setQueryData<CurrentData>(KEYS.current, (old) => (old ? { ...old, current: { ...old.current, session } } : old));
  };

  const afterChange = () => {
    void queryClient.invalidateQueries({ queryKey: KEYS.all });
    void queryClient.invalidateQueries({ queryKey: ["dashboard"] });
  };

  const start = useMutation({
    mutationFn: ({ kind, replace }: { kind: Kind; replace: boolean }) => startSession(kind, replace),
    onMutate: () => queryClient.cancelQueries({ queryKey: KEYS.current }),
    onSuccess: (session) => {
      const r: Running = { session, skewMs: Date.parse(session.started_at) - Date.now() };
      saveRunning(r);
      setLocal(r);
      setSession(session);
      setChosen(null);
      setAnnouncement(`${KIND_LABEL[session.kind]} started: ${spokenDuration(session.planned_seconds * 1000)}.`);
      void queryClient.invalidateQueries({ queryKey: KEYS.sessions });
    },
  });

  const complete = useMutation({
    mutationFn: (session: Session) => completeSession(session.id),
    onSuccess: async (done) => {
      forgetTasks(done.id);
      saveRunning(null);
      setLocal(null);
      setSession(null);
      afterChange();
      const fresh = await queryClient.fetchQuery({ queryKey: KEYS.current, queryFn: fetchCurrent });
      const next = fresh.current.next_kind;
      setChosen(null);
      setAnnouncement(
        `${KIND_LABEL[done.kind]} complete. Next: ${KIND_LABEL[next].toLowerCase()}, ${fresh.current.next_planned_minutes} minutes.`,
      );
      const settings = fresh.current.settings;
      const auto = done.kind === "focus" ? settings.auto_start_breaks : settings.auto_start_focus;
      if (auto && !fresh.current.session) start.mutate({ kind: next, replace: false });
    },
    onError: (error) => {
      // Already finished elsewhere (another tab or device): show what the server has.
      if (error instanceof ApiError && (error.status === 409 || error.status === 404)) {
        saveRunning(null);
        setLocal(null);
        setAnnouncement("This session had already ended.");
        afterChange();
      }
    },
  });

  const abandon = useMutation({
    mutationFn: (session: Session) => abandonSession(session.id),
    onSuccess: (done) => {
      forgetTasks(done.id);
      saveRunning(null);
      setLocal(null);
      setSession(null);
      setAnnouncement(`${KIND_LABEL[done.kind]} abandoned. It does not count.`);
      afterChange();
    },
    onError: () => afterChange(),
  });

  // Time is up: complete through the API, once.
  useEffect(() => {
    if (!running || remaining == null || remaining > -GRACE_MS) return;
    if (!current.data) return; // wait for the server's view after a reload
    if (finishing.current.has(running.session.id)) return;
    finishing.current.add(running.session.id);
    complete.mutate(running.session);
  }, [running?.session.id, remaining != null && remaining <= -GRACE_MS, current.data]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    document.title = running && remaining != null && remaining > 0
      ? `${formatClock(remaining)} · ${KIND_LABEL[running.session.kind]} · ReFocused`
      : "Pomodoro · ReFocused";
  }, [running?.session.kind, remaining == null ? null : Math.ceil(remaining / 1000)]); // eslint-disable-line react-hooks/exhaustive-deps

  if (!running && current.isPending) return <Card><Loading label="Loading your timer" /></Card>;
  if (!running && current.error) return <Card><ErrorNote error={current.error} /></Card>;

  const data = current.data?.current;
  const kind: Kind = running?.session.kind ?? chosen ?? data?.next_kind ?? "focus";
  const plannedMs = running ? running.session.planned_seconds * 1000 : data ? minutesFor(kind, data.settings) * 60_000 : 0;
  const shownMs = running ? Math.max(0, remaining ?? 0) : plannedMs;
  const fraction = plannedMs > 0 ? Math.min(1, Math.max(0, shownMs / plannedMs)) : 0;
  const conflictId = runningSessionId(start.error);
  const lastKind = start.variables?.kind ?? kind;
  const radius = 88;
  const circumference = 2 * Math.PI * radius;

  return (
    <Card title={running ? `${KIND_LABEL[running.session.kind]} in progress` : "Ready when you are"}>
      {!running && (
        <fieldset className="mb-4">
          <legend className="mb-2 text-sm font-medium text-ink">Session type</legend>
          <div className="flex flex-wrap gap-2">
            {KINDS.map((k) => (
              <button
                key={k}
                type="button"
                aria-pressed={kind === k}
                onClick={() => setChosen(k)}
                className={cx(
                  "min-h-10 rounded-lg border px-3 py-2 text-sm",
                  kind === k ? "border-brand-700 bg-brand-50 font-semibold text-brand-800" : "border-stone-300 bg-white text-ink hover:bg-stone-50",
                )}
              >
                {KIND_LABEL[k]}
                {data && <span className="text-muted"> · {minutesFor(k, data.settings)} min</span>}
                {data?.next_kind === k && <span className="sr-only"> (suggested next)</span>}
              </button>
            ))}
          </div>
          {data && (
            <p className="mt-2 text-sm text-muted">
              Suggested next: {KIND_LABEL[data.next_kind].toLowerCase()} · {data.focus_sessions_today} focus{" "}
              {data.focus_sessions_today === 1 ? "session" : "sessions"} done today
            </p>
          )}
        </fieldset>
      )}

      <div className="flex flex-col items-center gap-2">
        <div className="relative size-56">
          <svg viewBox="0 0 200 200" className="size-full -rotate-90" aria-hidden>
            <circle cx="100" cy="100" r={radius} fill="none" strokeWidth="10" className="stroke-stone-200" />
            <circle
              cx="100"
              cy="100"
              r={radius}
              fill="none"
              strokeWidth="10"
              strokeLinecap="round"
              className={running?.session.kind === "focus" || (!running && kind === "focus") ? "stroke-brand-600" : "stroke-amber-600"}
              strokeDasharray={circumference}
              strokeDashoffset={circumference * (1 - fraction)}
            />
          </svg>
          <div className="absolute inset-0 flex flex-col items-center justify-center">
            <p role="timer" aria-label="Time remaining" className="text-5xl font-semibold tabular-nums tracking-tight text-ink">
              {formatClock(shownMs)}
            </p>
            <p className="text-sm text-muted">{running ? KIND_LABEL[running.session.kind] : "Not started"}</p>
          </div>
        </div>
        <p aria-live="polite" className="min-h-5 text-center text-sm text-brand-800">
          {announcement}
        </p>
      </div>

      <div className="mt-4 flex flex-wrap justify-center gap-2">
        {running ? (
          <>
            <Button onClick={() => complete.mutate(running.session)} busy={complete.isPending}>
              Finish now
            </Button>
            <Button variant="secondary" onClick={() => abandon.mutate(running.session)} busy={abandon.isPending}>
              Abandon
            </Button>
          </>
        ) : (
          <Button onClick={() => start.mutate({ kind, replace: false })} busy={start.isPending} disabled={!data}>
            Start {KIND_LABEL[kind].toLowerCase()}
          </Button>
        )}
      </div>

      {conflictId && !running ? (
        <div role="alert" className="mt-4 rounded-lg bg-amber-50 px-3 py-3 text-sm text-ink">
          <p>Another session is already running, perhaps in another tab or on another device.</p>
          <div className="mt-2 flex flex-wrap gap-2">
            <Button variant="danger" onClick={() => start.mutate({ kind: lastKind, replace: true })}>
              Replace it with a new {KIND_LABEL[lastKind].toLowerCase()}
            </Button>
            <Button
              variant="secondary"
              onClick={() => {
                start.reset();
                void queryClient.invalidateQueries({ queryKey: KEYS.current });
              }}
            >
              Show the running session
            </Button>
          </div>
        </div>
      ) : (
        <ErrorNote error={start.error} className="mt-3" />
      )}
      <ErrorNote error={complete.error instanceof ApiError && complete.error.status === 409 ? null : complete.error} className="mt-3" />
      <ErrorNote error={abandon.error} className="mt-3" />
      {running?.session.kind === "focus" && <TasksCard session={running.session} />}
    </Card>
  );
}
