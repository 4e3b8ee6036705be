"use client";
/** The guided session: pick a technique and a number of cycles, then follow a circle that grows
 * on the inhale, rests on a hold and shrinks on the exhale, with the phase and its seconds in
 * text. Everything is computed from the time since start, so a tab that slept resumes at the
 * right place. A finished session is logged through the API. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Button, Card, ErrorNote, QueryState, TextField } from "@/components/ui";
import { queryParam } from "@/lib/paths";
import { KEYS, MAX_CYCLES, MAX_DURATION_SECONDS, getTechniques, logSession, type Technique } from "./api";
import { cycleSeconds, formatSeconds, phaseName, positionAt } from "./guide";

interface Run {
  technique: Technique;
  cycles: number;
  startedAt: number;
}

/** Date.now() once per animation frame while `active` and the page is visible. */
function useFrameNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    let frame = 0;
    const loop = () => {
      setNow(Date.now());
      frame = requestAnimationFrame(loop);
    };
    const restart = () => {
      cancelAnimationFrame(frame);
      setNow(Date.now());
      if (document.visibilityState !== "hidden") frame = requestAnimationFrame(loop);
    };
    restart();
    document.addEventListener("visibilitychange", restart);
    return () => {
      cancelAnimationFrame(frame);
      document.removeEventListener("visibilitychange", restart);
    };
  }, [active]);
  return now;
}

function useReducedMotion(): boolean {
  const [reduced, setReduced] = useState(false);
  useEffect(() => {
    const mq = window.matchMedia("(prefers-reduced-motion: reduce)");
    setReduced(mq.matches);
    const on = () => setReduced(mq.matches);
    mq.addEventListener("change", on);
    return () => mq.removeEventListener("change", on);
  }, []);
  return reduced;
}

function maxCycles(t: Technique): number {
  return Math.max(1, Math.min(MAX_CYCLES, Math.floor(MAX_DURATION_SECONDS / cycleSeconds(t.phases))));
}

export function Player() {
  const queryClient = useQueryClient();
  const techniques = useQuery({ queryKey: KEYS.techniques, queryFn: getTechniques, staleTime: 60 * 60_000 });
  const [slug, setSlug] = useState<string | null>(null);
  const [cycles, setCycles] = useState("");
  const [run, setRun] = useState<Run | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const [outcome, setOutcome] = useState("");
  const reduced = useReducedMotion();
  const logged = useRef<number | null>(null);

  const list = techniques.data ?? [];
  const technique = list.find((t) => t.slug === slug) ?? list[0];

  // The technique from the address (?technique=box), or the first one.
  useEffect(() => {
    if (!techniques.data || slug) return;
    const wanted = queryParam("technique");
    const first = techniques.data.find((t) => t.slug === wanted) ?? techniques.data[0];
    if (first) {
      setSlug(first.slug);
      setCycles(String(first.suggested_cycles));
    }
  }, [techniques.data, slug]);

  const now = useFrameNow(run != null);
  const pos = run ? positionAt(run.technique.phases, run.cycles, (now - run.startedAt) / 1000) : null;

  const log = useMutation({
    mutationFn: logSession,
    onSuccess: (session, vars) => {
      const name = list.find((t) => t.slug === vars.technique)?.name ?? vars.technique;
      setOutcome(`Logged: ${name}, ${session.cycles} ${session.cycles === 1 ? "cycle" : "cycles"}, ${formatSeconds(session.duration_seconds)}.`);
      void queryClient.invalidateQueries({ queryKey: KEYS.sessions });
      void queryClient.invalidateQueries({ queryKey: KEYS.stats });
      void queryClient.invalidateQueries({ queryKey: ["dashboard"] });
    },
  });

  // A phase begins: say it once (the seconds in between are not announced).
  const phaseKey = pos && !pos.done ? `${pos.cycle}-${pos.phaseIndex}` : null;
  useEffect(() => {
    if (!run || !pos || pos.done) return;
    setAnnouncement(`${pos.phase.cue}, ${Math.round(pos.phase.seconds)} seconds. Cycle ${pos.cycle + 1} of ${run.cycles}.`);
  }, [phaseKey]); // eslint-disable-line react-hooks/exhaustive-deps

  // All cycles done: log the session once.
  useEffect(() => {
    if (!run || !pos?.done || logged.current === run.startedAt) return;
    logged.current = run.startedAt;
    const seconds = Math.max(1, Math.round(cycleSeconds(run.technique.phases) * run.cycles));
    setRun(null);
    setAnnouncement("Session complete. Well done.");
    log.mutate({ technique: run.technique.slug, cycles: run.cycles, duration_seconds: seconds });
  }, [pos?.done, run]); // eslint-disable-line react-hooks/exhaustive-deps

  const start = (e: FormEvent) => {
    e.preventDefault();
    if (!technique) return;
    const n = Math.min(maxCycles(technique), Math.max(1, Math.floor(Number(cycles) || 1)));
    setCycles(String(n));
    setOutcome("");
    log.reset();
    setRun({ technique, cycles: n, startedAt: Date.now() });
  };

  const stop = () => {
    if (!run || !pos) return;
    const full = pos.cycle;
    logged.current = run.startedAt;
    setRun(null);
    if (full >= 1) {
      setAnnouncement(`Stopped after ${full} ${full === 1 ? "cycle" : "cycles"}.`);
      log.mutate({
        technique: run.technique.slug,
        cycles: full,
        duration_seconds: Math.max(1, Math.round(cycleSeconds(run.technique.phases) * full)),
      });
    } else {
      setAnnouncement("Stopped.");
      setOutcome("Stopped before the first cycle ended, so nothing was logged.");
    }
  };

  const level = pos ? pos.level : 0;
  const radius = reduced ? 62 : 28 + 62 * level;

  return (
    <Card title="Guided breathing">
      <QueryState query={techniques} label="Loading techniques">
        {() =>
          technique ? (
            <div className="grid gap-6 md:grid-cols-2">
              <form onSubmit={start} className="flex flex-col gap-3">
                <div className="flex flex-col gap-1">
                  <label htmlFor="technique" className="text-sm font-medium text-ink">
                    Technique
                  </label>
                  <select
                    id="technique"
                    value={technique.slug}
                    disabled={run != null}
                    onChange={(e) => {
                      const t = list.find((x) => x.slug === e.target.value);
                      setSlug(e.target.value);
                      if (t) setCycles(String(t.suggested_cycles));
                    }}
                    className="min-h-10 rounded-lg border border-stone-300 bg-white px-3 py-2 text-base text-ink"
                  >
                    {list.map((t) => (
                      <option key={t.slug} value={t.slug}>
                        {t.name}
                      </option>
                    ))}
                  </select>
                </div>
                <p className="text-sm text-ink">{technique.summary}</p>
                <p className="text-sm text-muted">{technique.description}</p>
                <ol aria-label="Phases of one cycle" className="flex flex-wrap gap-2 text-xs">
                  {technique.phases.map((p, i) => (
                    <li key={i} className="rounded-full bg-stone-100 px-2 py-1 text-ink">
                      {p.cue} · {formatSeconds(p.seconds)}
                    </li>
                  ))}
                </ol>
                <TextField
                  label="Cycles"
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={maxCycles(technique)}
                  value={cycles}
                  disabled={run != null}
                  onChange={(e) => setCycles(e.target.value)}
                  hint={`Suggested: ${technique.suggested_cycles}. One cycle takes ${formatSeconds(cycleSeconds(technique.phases))}; ${
                    Number(cycles) > 0 ? `this session about ${formatSeconds(cycleSeconds(technique.phases) * Number(cycles))}` : "choose at least one"
                  }.`}
                />
                <div className="flex gap-2">
                  {/* Keys: a new element each, so the click on Stop cannot become a submit of Start. */}
                  {run ? (
                    <Button key="stop" variant="secondary" onClick={stop}>
                      Stop
                    </Button>
                  ) : (
                    <Button key="start" type="submit">
                      Start
                    </Button>
                  )}
                </div>
              </form>

              <div className="flex flex-col items-center gap-2">
                <svg
                  viewBox="0 0 200 200"
                  className="size-56"
                  role="img"
                  aria-label={pos && !pos.done ? `Breathing guide: ${phaseName(pos.phase.kind).toLowerCase()}` : "Breathing guide, not running"}
                >
                  <circle cx="100" cy="100" r="92" fill="none" strokeWidth="2" strokeDasharray="4 6" className="stroke-stone-300" />
                  <circle data-breath cx="100" cy="100" r={radius} className="fill-brand-200 stroke-brand-600" strokeWidth="3" />
                </svg>
                {pos && !pos.done && run ? (
                  <div className="text-center">
                    <p className="text-2xl font-semibold text-ink">{pos.phase.cue}</p>
                    <p className="text-4xl font-semibold tabular-nums text-brand-800">
                      {pos.secondsLeft}
                      <span className="sr-only"> seconds left</span>
                    </p>
                    <p className="text-sm text-muted">
                      Cycle {pos.cycle + 1} of {run.cycles}
                    </p>
                  </div>
                ) : (
                  <p className="text-sm text-muted">Press Start and follow the circle.</p>
                )}
                <p aria-live="polite" className="sr-only">
                  {announcement}
                </p>
                {outcome && (
                  <p role="status" className="text-center text-sm text-brand-800">
                    {outcome}
                  </p>
                )}
                <ErrorNote error={log.error} />
              </div>
            </div>
          ) : (
            <p className="text-sm text-muted">No techniques are available.</p>
          )
        }
      </QueryState>
    </Card>
  );
}
