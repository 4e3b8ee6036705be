"use client";
/** Writing statistics: entries, words, streaks and a hand-drawn bar per month. */
import { Card, QueryState } from "@/components/ui";
import { useStats } from "./queries";

const MONTH = new Intl.DateTimeFormat("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });

function monthName(key: string): string {
  const [y, m] = key.split("-").map(Number);
  return y && m ? MONTH.format(new Date(Date.UTC(y, m - 1, 1))) : key;
}

export function StatsCard() {
  const stats = useStats();
  return (
    <Card title="Your writing">
      <QueryState query={stats} label="Loading statistics">
        {() => {
          const s = stats.data!;
          const months = Object.entries(s.per_month).sort(([a], [b]) => a.localeCompare(b)).slice(-6);
          const max = Math.max(1, ...months.map(([, n]) => n));
          return (
            <>
              <dl className="grid grid-cols-2 gap-2 text-sm">
                <div>
                  <dt className="text-muted">Entries</dt>
                  <dd className="text-lg font-semibold text-brand-800">{s.entries}</dd>
                </div>
                <div>
                  <dt className="text-muted">Words</dt>
                  <dd className="text-lg font-semibold text-brand-800">{s.words}</dd>
                </div>
                <div>
                  <dt className="text-muted">Streak</dt>
                  <dd className="text-lg font-semibold text-brand-800">{s.current_streak} {s.current_streak === 1 ? "day" : "days"}</dd>
                </div>
                <div>
                  <dt className="text-muted">Longest</dt>
                  <dd className="text-lg font-semibold text-brand-800">{s.longest_streak} {s.longest_streak === 1 ? "day" : "days"}</dd>
                </div>
                <div className="col-span-2">
                  <dt className="text-muted">Gratitude notes</dt>
                  <dd className="text-lg font-semibold text-brand-800">{s.gratitude_entries}</dd>
                </div>
              </dl>
              {months.length > 0 && (
                <figure className="mt-3">
                  <figcaption className="text-sm text-muted">Entries per month</figcaption>
                  <svg role="img" aria-label={months.map(([k, n]) => `${monthName(k)}: ${n}`).join(", ")} viewBox={`0 0 ${months.length * 40} 70`} className="mt-1 h-20 w-full">
                    {months.map(([k, n], i) => {
                      const h = (n / max) * 34;
                      return (
                        <g key={k}>
                          <rect x={i * 40 + 8} y={50 - h} width={24} height={h} rx={3} fill="var(--color-brand-700)" />
                          <text x={i * 40 + 20} y={64} textAnchor="middle" fontSize="9" fill="var(--color-muted)">
                            {monthName(k).split(" ")[0]}
                          </text>
                          <text x={i * 40 + 20} y={46 - h} textAnchor="middle" fontSize="9" fill="var(--color-ink)">
                            {n}
                          </text>
                        </g>
                      );
                    })}
                  </svg>
                </figure>
              )}
            </>
          );
        }}
      </QueryState>
    </Card>
  );
}
