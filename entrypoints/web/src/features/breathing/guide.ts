/** Where a guided session is at a moment: which cycle and phase, the seconds left in it, and how
 * full the lungs are (0 empty, 1 full) for the animation. Computed from the elapsed time alone,
 * so a tab that slept picks up at the right place. */
import type { Phase } from "./api";

export interface Position {
  done: boolean;
  cycle: number; // 0-based
  phaseIndex: number;
  phase: Phase;
  secondsLeft: number;
  /** 0 (empty) to 1 (full) */
  level: number;
}

export function cycleSeconds(phases: Phase[]): number {
  return phases.reduce((s, p) => s + p.seconds, 0);
}

/** How full the lungs are at the start of each phase (and after the last): inhales fill and exhales empty in
 * proportion to their length (two inhales, as in the physiological sigh, share the rise). */
function levels(phases: Phase[]): number[] {
  const inhale = phases.filter((p) => p.kind === "inhale").reduce((s, p) => s + p.seconds, 0) || 1;
  const exhale = phases.filter((p) => p.kind === "exhale").reduce((s, p) => s + p.seconds, 0) || 1;
  const out: number[] = [];
  let level = 0;
  for (const p of phases) {
    out.push(level);
    if (p.kind === "inhale") level = Math.min(1, level + p.seconds / inhale);
    else if (p.kind === "exhale") level = Math.max(0, level - p.seconds / exhale);
  }
  out.push(level);
  return out;
}

const ease = (x: number) => 0.5 - Math.cos(Math.PI * x) / 2;

export function positionAt(phases: Phase[], cycles: number, elapsedSeconds: number): Position {
  const cycle = cycleSeconds(phases);
  const total = cycle * cycles;
  const starts = levels(phases);
  if (elapsedSeconds >= total || cycle <= 0) {
    const last = phases.length - 1;
    return { done: true, cycle: cycles - 1, phaseIndex: last, phase: phases[last]!, secondsLeft: 0, level: 0 };
  }
  const t = Math.max(0, elapsedSeconds);
  const cycleIndex = Math.floor(t / cycle);
  let within = t - cycleIndex * cycle;
  let i = 0;
  while (i < phases.length - 1 && within >= phases[i]!.seconds) {
    within -= phases[i]!.seconds;
    i += 1;
  }
  const phase = phases[i]!;
  const progress = Math.min(1, within / phase.seconds);
  const start = starts[i]!;
  const target = starts[i + 1]!;
  return {
    done: false,
    cycle: cycleIndex,
    phaseIndex: i,
    phase,
    secondsLeft: Math.max(1, Math.ceil(phase.seconds - within - 1e-9)),
    level: start + (target - start) * ease(progress),
  };
}

export function phaseName(kind: string): string {
  if (kind === "inhale") return "Breathe in";
  if (kind === "exhale") return "Breathe out";
  if (kind === "hold") return "Hold";
  return kind;
}

export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  const r = s % 60;
  return r ? `${m} min ${r} s` : `${m} min`;
}
