"use client";
/** Hand-drawn SVG charts. Each is an image with a name for screen readers and a table of the
 * same numbers beside it (visually hidden), so nothing is only in the picture. */
import { useId } from "react";

export interface Bar {
  label: string;
  /** 0 to 1, or null where there is nothing to measure yet. */
  value: number | null;
  /** What the bar means in words: "3 of 4 (75%)". */
  text: string;
}

export function percent(value: number | null): string {
  return value == null ? "no data" : `${Math.round(value * 100)}%`;
}

/** Vertical bars of rates from 0 to 100%, with a label under each and the value above it. */
export function BarChart({ title, bars, summary }: { title: string; bars: Bar[]; summary?: string }) {
  const id = useId();
  const width = 320;
  const height = 160;
  const top = 20;
  const bottom = 24;
  const plot = height - top - bottom;
  const slot = width / Math.max(1, bars.length);
  const barWidth = Math.min(36, slot * 0.6);
  return (
    <figure className="flex flex-col gap-1">
      <figcaption id={`${id}-title`} className="text-sm font-medium text-ink">
        {title}
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-title`} aria-describedby={`${id}-desc`} className="h-auto w-full max-w-md">
        {[0, 0.5, 1].map((t) => (
          <line key={t} x1={0} x2={width} y1={top + plot * (1 - t)} y2={top + plot * (1 - t)} stroke="#d6d3d1" strokeDasharray={t === 0 ? undefined : "3 3"} />
        ))}
        {bars.map((b, i) => {
          const h = (b.value ?? 0) * plot;
          const x = slot * i + (slot - barWidth) / 2;
          return (
            <g key={b.label}>
              <rect x={x} y={top + plot - h} width={barWidth} height={Math.max(h, b.value ? 1 : 0)} rx={3} fill="#17655c" />
              <text x={x + barWidth / 2} y={top + plot - h - 5} textAnchor="middle" fontSize="11" fill="#1f2933">
                {b.value == null ? "–" : `${Math.round(b.value * 100)}%`}
              </text>
              <text x={x + barWidth / 2} y={height - 6} textAnchor="middle" fontSize="11" fill="#52606d">
                {b.label}
              </text>
            </g>
          );
        })}
      </svg>
      <p id={`${id}-desc`} className="sr-only">
        {summary ?? bars.map((b) => `${b.label}: ${b.text}`).join("; ")}
      </p>
      <table className="sr-only">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Period</th>
            <th scope="col">Completion</th>
          </tr>
        </thead>
        <tbody>
          {bars.map((b) => (
            <tr key={b.label}>
              <th scope="row">{b.label}</th>
              <td>{b.text}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** A line of values over time (0 to `max`), for trends. */
export function LineChart({ title, points, max, min = 0, unit = "" }: { title: string; points: { label: string; value: number; text: string }[]; max: number; min?: number; unit?: string }) {
  const id = useId();
  const width = 320;
  const height = 140;
  const pad = 24;
  const plotW = width - pad * 2;
  const plotH = height - pad * 2;
  const x = (i: number) => pad + (points.length <= 1 ? plotW / 2 : (plotW * i) / (points.length - 1));
  const y = (v: number) => pad + plotH * (1 - (v - min) / (max - min || 1));
  const path = points.map((p, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(" ");
  return (
    <figure className="flex flex-col gap-1">
      <figcaption id={`${id}-title`} className="text-sm font-medium text-ink">
        {title}
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-title`} aria-describedby={`${id}-desc`} className="h-auto w-full max-w-md">
        {[min, (min + max) / 2, max].map((t) => (
          <g key={t}>
            <line x1={pad} x2={width - pad} y1={y(t)} y2={y(t)} stroke="#d6d3d1" strokeDasharray="3 3" />
            <text x={pad - 4} y={y(t) + 4} textAnchor="end" fontSize="10" fill="#52606d">
              {t}
              {unit}
            </text>
          </g>
        ))}
        {points.length > 1 && <path d={path} fill="none" stroke="#17655c" strokeWidth={2} />}
        {points.map((p, i) => (
          <circle key={p.label + i} cx={x(i)} cy={y(p.value)} r={3.5} fill="#17655c" />
        ))}
        {points.length > 0 && (
          <>
            <text x={x(0)} y={height - 6} textAnchor="start" fontSize="10" fill="#52606d">
              {points[0]!.label}
            </text>
            {points.length > 1 && (
              <text x={x(points.length - 1)} y={height - 6} textAnchor="end" fontSize="10" fill="#52606d">
                {points.at(-1)!.label}
              </text>
            )}
          </>
        )}
      </svg>
      <p id={`${id}-desc`} className="sr-only">
        {points.map((p) => `${p.label}: ${p.text}`).join("; ")}
      </p>
    </figure>
  );
}
