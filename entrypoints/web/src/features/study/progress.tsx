"use client";
/** How a deck stands: cards by state (a hand-drawn bar with its numbers written out, so nothing
 * is told by colour alone), what is due, and reviews and retention over 30 days. */
import { Card, QueryState } from "@/components/ui";
import { plural, useProgress, type Progress } from "./api";

const PARTS = [
  { key: "new", label: "New", fill: "#a9e2d9", pattern: false },
  { key: "learning", label: "Learning", fill: "#2a9d8f", pattern: true },
  { key: "review", label: "Review", fill: "#124f48", pattern: false },
] as const;

export function ProgressCard({ deckId }: { deckId: string }) {
  const progress = useProgress(deckId);
  return (
    <Card title="Progress">
      <QueryState query={progress} label="Loading progress">
        {() => <ProgressView p={progress.data!} />}
      </QueryState>
    </Card>
  );
}

function ProgressView({ p }: { p: Progress }) {
  const total = p.total || 1;
  let x = 0;
  const retention = p.retention_last_30_days == null ? "—" : `${Math.round(p.retention_last_30_days * 100)}%`;
  return (
    <>
      <svg viewBox="0 0 100 8" preserveAspectRatio="none" className="h-4 w-full overflow-hidden rounded" role="img" aria-label={`${p.new} new, ${p.learning} learning, ${p.review} in review`}>
        <defs>
          <pattern id="study-stripes" width="2" height="2" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="2" height="2" fill="#2a9d8f" />
            <rect width="1" height="2" fill="#1f7f74" />
          </pattern>
        </defs>
        <rect width="100" height="8" fill="#e7e5e4" />
        {PARTS.map((part) => {
          const w = (p[part.key] / total) * 100;
          const rect = <rect key={part.key} x={x} width={w} height="8" fill={part.pattern ? "url(#study-stripes)" : part.fill} />;
          x += w;
          return rect;
        })}
      </svg>
      <ul className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-sm">
        {PARTS.map((part) => (
          <li key={part.key} className="flex items-center gap-1.5">
            <span aria-hidden className="inline-block size-3 rounded-sm border border-stone-300" style={{ background: part.fill }} />
            {part.label}: <strong>{p[part.key]}</strong>
          </li>
        ))}
      </ul>
      <dl className="mt-4 grid grid-cols-2 gap-3 text-sm">
        <div>
          <dt className="text-muted">Due by end of today</dt>
          <dd className="text-lg font-semibold" data-testid="due-today">{p.due_today}</dd>
        </div>
        <div>
          <dt className="text-muted">Due in the next 7 days</dt>
          <dd className="text-lg font-semibold">{p.due_next_7_days}</dd>
        </div>
        <div>
          <dt className="text-muted">Reviews, last 30 days</dt>
          <dd className="text-lg font-semibold">{p.reviews_last_30_days}</dd>
        </div>
        <div>
          <dt className="text-muted">Retention, last 30 days</dt>
          <dd className="text-lg font-semibold">{retention}</dd>
        </div>
      </dl>
      <p className="mt-3 text-xs text-muted">{plural(p.total, "card")} in this deck. Learning cards come back within minutes; due counts leave out new cards.</p>
    </>
  );
}
