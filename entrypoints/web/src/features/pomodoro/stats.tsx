"use client";
/** Focus statistics on the user's local days: today, the last 7 days as a bar chart, totals,
 * and the latest sessions (times in the user's own time zone). */
import { useQuery } from "@tanstack/react-query";
import { Card, Empty, QueryState } from "@/components/ui";
import { useAuth } from "@/lib/auth";
import { KEYS, KIND_LABEL, getSessions, getStats, type Session, type Summary } from "./api";

function weekday(day: string, style: "short" | "long" = "short"): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!)).toLocaleDateString("en-GB", { weekday: style, timeZone: "UTC" });
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function WeekChart({ summary }: { summary: Summary }) {
  const days = summary.last_7_days.days ?? [];
  const max = Math.max(1, ...days.map((d) => d.focus_minutes));
  const width = 280;
  const height = 120;
  const slot = width / Math.max(1, days.length);
  const label = days.map((d) => `${weekday(d.date, "long")} ${plural(d.focus_minutes, "minute")}, ${plural(d.focus_sessions, "session")}`).join("; ");
  return (
    <figure>
      <svg viewBox={`0 0 ${width} ${height + 24}`} role="img" aria-label={`Focus minutes, last 7 days: ${label}`} className="w-full max-w-md">
        <line x1="0" x2={width} y1={height} y2={height} className="stroke-stone-300" />
        {days.map((d, i) => {
          const h = d.focus_minutes > 0 ? Math.max(3, (d.focus_minutes / max) * (height - 16)) : 0;
          const x = i * slot + slot * 0.2;
          return (
            <g key={d.date}>
              <rect x={x} y={height - h} width={slot * 0.6} height={h} rx="3" className="fill-brand-600" />
              <text x={x + slot * 0.3} y={height - h - 4} textAnchor="middle" className="fill-ink text-[10px]">
                {d.focus_minutes}
              </text>
              <text x={x + slot * 0.3} y={height + 16} textAnchor="middle" className="fill-muted text-[10px]">
                {weekday(d.date)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="text-xs text-muted">Focus minutes per day, today on the right.</figcaption>
    </figure>
  );
}

function sessionLine(s: Session, timeZone: string | undefined): string {
  const minutes = Math.round((s.actual_seconds ?? s.planned_seconds) / 60);
  let time: string;
  try {
    time = new Date(s.started_at).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", timeZone });
  } catch {
    time = new Date(s.started_at).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  }
  return `${KIND_LABEL[s.kind]} · ${s.status} · ${plural(minutes, "minute")} · ${time}`;
}

export function StatsCard() {
  const stats = useQuery({ queryKey: KEYS.stats, queryFn: getStats });
  const sessions = useQuery({ queryKey: KEYS.sessions, queryFn: getSessions });
  const { user } = useAuth();
  return (
    <Card title="Your focus">
      <QueryState query={stats} label="Loading statistics">
        {() => {
          const s = stats.data!;
          return (
            <div className="flex flex-col gap-4">
              <dl className="grid grid-cols-3 gap-2 text-center">
                {[
                  ["Focus minutes today", s.today.focus_minutes],
                  ["Sessions today", s.today.focus_sessions],
                  ["Tasks done today", s.today.tasks_done],
                ].map(([label, value]) => (
                  <div key={label} className="rounded-lg bg-brand-50 px-2 py-3">
                    <dt className="text-xs text-muted">{label}</dt>
                    <dd className="text-2xl font-semibold text-brand-800">{value}</dd>
                  </div>
                ))}
              </dl>
              <WeekChart summary={s} />
              <table className="w-full text-left text-sm">
                <caption className="sr-only">Totals</caption>
                <thead>
                  <tr className="text-muted">
                    <th scope="col" className="font-medium">Period</th>
                    <th scope="col" className="font-medium">Minutes</th>
                    <th scope="col" className="font-medium">Sessions</th>
                    <th scope="col" className="font-medium">Tasks</th>
                  </tr>
                </thead>
                <tbody>
                  {(
                    [
                      ["Last 7 days", s.last_7_days],
                      ["Last 30 days", s.last_30_days],
                    ] as const
                  ).map(([label, p]) => (
                    <tr key={label}>
                      <th scope="row" className="font-medium">{label}</th>
                      <td>{p.focus_minutes}</td>
                      <td>{p.focus_sessions}</td>
                      <td>{p.tasks_done}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        }}
      </QueryState>
      <h3 className="mt-5 text-sm font-semibold text-ink">Latest sessions</h3>
      <QueryState query={sessions} label="Loading sessions">
        {() =>
          sessions.data!.length === 0 ? (
            <Empty>No sessions yet. Start one above.</Empty>
          ) : (
            <ul aria-label="Latest sessions" className="mt-2 flex flex-col gap-1 text-sm">
              {sessions.data!.map((x) => (
                <li key={x.id}>{sessionLine(x, user?.time_zone)}</li>
              ))}
            </ul>
          )
        }
      </QueryState>
    </Card>
  );
}
