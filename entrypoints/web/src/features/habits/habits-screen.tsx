"use client";
/** The habits screen: today's habits with one-tap marking, streaks and strength, a form for a
 * new habit, the archive, and one habit's details (`?habit=<id>`). */
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { Button, Card, Empty, ErrorNote, PageHeader, QueryState, cx } from "@/components/ui";
import { HabitDetail } from "./habit-detail";
import { HabitForm } from "./habit-form";
import { describeSchedule, describeStreak, useHabitDashboard, useHabits, useMarkDay, type Progress } from "./api";

export function HabitsScreen() {
  const params = useSearchParams();
  const router = useRouter();
  const selected = params.get("habit");
  const [creating, setCreating] = useState(false);
  const dashboard = useHabitDashboard();
  const mark = useMarkDay();

  useEffect(() => {
    document.title = "Habits · ReFocused";
  }, []);

  return (
    <>
      <PageHeader title="Habits">
        {!creating && <Button onClick={() => setCreating(true)}>New habit</Button>}
      </PageHeader>
      {creating && (
        <Card title="New habit" className="mb-6">
          <HabitForm onDone={() => setCreating(false)} onCancel={() => setCreating(false)} />
        </Card>
      )}
      {selected && <HabitDetail key={selected} id={selected} onClose={() => router.push("/habits/")} />}
      <QueryState query={dashboard} label="Loading your habits">
        {() => {
          const d = dashboard.data!;
          return (
            <Card title="Today" action={<p className="text-sm text-muted">{d.done_today} of {d.due_today} due done</p>}>
              {d.habits.length === 0 ? (
                <Empty>No habits yet. Create one to start a streak.</Empty>
              ) : (
                <ul className="flex flex-col gap-3">
                  {d.habits.map((p) => (
                    <HabitRow key={p.habit.id} progress={p} selected={p.habit.id === selected} onToggle={() => mark.mutate({ habitId: p.habit.id, day: d.today, done: !p.done_today })} />
                  ))}
                </ul>
              )}
              <ErrorNote error={mark.error} className="mt-3" />
            </Card>
          );
        }}
      </QueryState>
      <Archived />
    </>
  );
}

function HabitRow({ progress, selected, onToggle }: { progress: Progress; selected: boolean; onToggle: () => void }) {
  const h = progress.habit;
  const done = progress.done_today;
  return (
    <li className={cx("flex flex-wrap items-center gap-3 rounded-xl border p-3", selected ? "border-brand-500" : "border-stone-200")}>
      <button
        type="button"
        onClick={onToggle}
        aria-pressed={done}
        aria-label={`${h.name} done today`}
        className={cx(
          "flex size-11 shrink-0 items-center justify-center rounded-full border-2 text-lg",
          done ? "border-brand-700 bg-brand-700 text-white" : "border-stone-400 bg-white text-transparent hover:border-brand-700",
        )}
      >
        <span aria-hidden>✓</span>
      </button>
      <div className="min-w-0 flex-1">
        <p className="font-medium text-ink">
          {h.favourite && (
            <span className="mr-1 text-brand-800">
              <span aria-hidden>★</span>
              <span className="sr-only">Favourite: </span>
            </span>
          )}
          {h.name}
        </p>
        <p className="text-sm text-muted">
          {describeSchedule(h.schedule)} · {done ? "done today" : progress.scheduled_today ? "due today" : "not due today"}
        </p>
      </div>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
        <p className="whitespace-nowrap">
          <span className="text-muted">Streak </span>
          <strong className="text-brand-800">{describeStreak(progress.streak)}</strong>
        </p>
        <div className="flex items-center gap-2">
          <span className="text-muted">Strength</span>
          <span aria-hidden className="h-2 w-16 overflow-hidden rounded-full bg-stone-200">
            <span className="block h-full bg-brand-700" style={{ width: `${progress.strength}%` }} />
          </span>
          <strong className="text-brand-800">{progress.strength}%</strong>
        </div>
        <Link href={`/habits/?habit=${h.id}`} className="text-brand-800 underline" aria-label={`Details of ${h.name}`}>
          Details
        </Link>
      </div>
    </li>
  );
}

function Archived() {
  const [open, setOpen] = useState(false);
  const all = useHabits(true);
  const archived = (all.data ?? []).filter((h) => h.archived);
  if (!all.data || archived.length === 0) return all.error ? <ErrorNote error={all.error} className="mt-4" /> : null;
  return (
    <section className="mt-6">
      <Button variant="ghost" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {open ? "Hide" : "Show"} archived habits ({archived.length})
      </Button>
      {open && (
        <ul className="mt-2 flex flex-col gap-2">
          {archived.map((h) => (
            <li key={h.id} className="flex items-center justify-between rounded-lg border border-stone-200 bg-white px-3 py-2 text-sm">
              <span>
                {h.name} <span className="text-muted">· {describeSchedule(h.schedule)}</span>
              </span>
              <Link href={`/habits/?habit=${h.id}`} className="text-brand-800 underline" aria-label={`Details of ${h.name}`}>
                Details
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
