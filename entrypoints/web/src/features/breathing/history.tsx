"use client";
/** The session log (newest first, each deletable) and the totals. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Card, Empty, ErrorNote, QueryState } from "@/components/ui";
import { longDay } from "@/lib/days";
import { KEYS, deleteSession, getSessions, getStats, getTechniques, type BreathingSession } from "./api";
import { formatSeconds } from "./guide";

function useNames(): (slug: string) => string {
  const techniques = useQuery({ queryKey: KEYS.techniques, queryFn: getTechniques, staleTime: 60 * 60_000 });
  return (slug) => techniques.data?.find((t) => t.slug === slug)?.name ?? slug;
}

export function Totals() {
  const stats = useQuery({ queryKey: KEYS.stats, queryFn: getStats });
  const name = useNames();
  return (
    <Card title="Totals">
      <QueryState query={stats} label="Loading totals">
        {() => {
          const s = stats.data!;
          return (
            <>
              <dl className="grid grid-cols-3 gap-2 text-center">
                {(
                  [
                    ["Sessions", String(s.sessions)],
                    ["Cycles", String(s.cycles)],
                    ["Time", formatSeconds(s.seconds)],
                  ] as const
                ).map(([label, value]) => (
                  <div key={label} className="rounded-lg bg-brand-50 px-2 py-3">
                    <dt className="text-xs text-muted">{label}</dt>
                    <dd className="text-xl font-semibold text-brand-800">{value}</dd>
                  </div>
                ))}
              </dl>
              {s.per_technique.length > 0 && (
                <ul aria-label="By technique" className="mt-3 flex flex-col gap-1 text-sm">
                  {s.per_technique.map((t) => (
                    <li key={t.technique}>
                      {name(t.technique)}: {t.sessions} {t.sessions === 1 ? "session" : "sessions"}, {t.cycles}{" "}
                      {t.cycles === 1 ? "cycle" : "cycles"}, {formatSeconds(t.seconds)}
                    </li>
                  ))}
                </ul>
              )}
            </>
          );
        }}
      </QueryState>
    </Card>
  );
}

export function SessionLog() {
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: KEYS.sessions, queryFn: getSessions });
  const name = useNames();

  const remove = useMutation({
    mutationFn: (s: BreathingSession) => deleteSession(s.id),
    onMutate: async (s) => {
      await queryClient.cancelQueries({ queryKey: KEYS.sessions });
      const before = queryClient.getQueryData<BreathingSession[]>(KEYS.sessions);
      queryClient.setQueryData<BreathingSession[]>(KEYS.sessions, (old) => old?.filter((x) => x.id !== s.id));
      return { before };
    },
    onError: (_e, _s, ctx) => queryClient.setQueryData(KEYS.sessions, ctx?.before),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: KEYS.sessions });
      void queryClient.invalidateQueries({ queryKey: KEYS.stats });
      void queryClient.invalidateQueries({ queryKey: ["dashboard"] });
    },
  });

  return (
    <Card title="Session log">
      <ErrorNote error={remove.error} className="mb-2" />
      <QueryState query={sessions} label="Loading sessions">
        {() =>
          sessions.data!.length === 0 ? (
            <Empty>No sessions yet. Finish a guided session and it appears here.</Empty>
          ) : (
            <ul aria-label="Breathing sessions" className="flex flex-col divide-y divide-stone-200">
              {sessions.data!.map((s) => {
                const what = `${name(s.technique)} · ${s.cycles} ${s.cycles === 1 ? "cycle" : "cycles"} · ${formatSeconds(s.duration_seconds)}`;
                return (
                  <li key={s.id} className="flex items-center justify-between gap-2 py-2 text-sm">
                    <span>
                      <span className="text-ink">{what}</span>
                      <br />
                      <span className="text-muted">{longDay(s.local_date)}</span>
                    </span>
                    <Button variant="ghost" onClick={() => remove.mutate(s)} aria-label={`Delete ${what}, ${longDay(s.local_date)}`}>
                      Delete
                    </Button>
                  </li>
                );
              })}
            </ul>
          )
        }
      </QueryState>
    </Card>
  );
}
