"use client";
/** One habit: its month calendar (a tap marks a past day done or not done), its streaks and
 * strength, the analytics charts, and edit, favourite, archive and delete. */
import { InlineConfirm } from "@/components/confirm-dialog";
import Link from "next/link";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { Button, Card, ErrorNote, Loading, QueryState } from "@/components/ui";
import { MonthGrid } from "@/features/calendar/month-grid";
import { WEEKDAYS_SHORT, daysBetween, monthLabel, monthOf, shiftMonth } from "@/features/calendar/dates";
import { longDay } from "@/lib/days";
import { BarChart, percent } from "./charts";
import { HabitForm } from "./habit-form";
import { describeSchedule, describeStreak, invalidateAfterHabitChange, keys, useHabit, useHabitAnalytics, useHabitCalendar, useMarkDay, type Progress } from "./api";

export function HabitDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const habit = useHabit(id);
  return (
    <Card
      title={habit.data ? habit.data.habit.name : "Habit"}
      action={
        <Link href="/habits/" className="rounded-lg px-3 py-2 text-sm text-brand-800 underline">
          Close details
        </Link>
      }
      className="mb-6"
    >
      <QueryState query={habit} label="Loading the habit">
        {() => <Details progress={habit.data!} onDeleted={onClose} />}
      </QueryState>
    </Card>
  );
}

function Details({ progress, onDeleted }: { progress: Progress; onDeleted: () => void }) {
  const queryClient = useQueryClient();
  const h = progress.habit;
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);

  const update = useMutation({
    mutationFn: (body: { favourite?: boolean; archived?: boolean }) =>
      unwrap(api.PATCH("/api/v1/habits/{habit_id}", { params: { path: { habit_id: h.id } }, body })),
    onSuccess: () => invalidateAfterHabitChange(queryClient),
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/habits/{habit_id}", { params: { path: { habit_id: h.id } } })),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: keys.one(h.id) });
      invalidateAfterHabitChange(queryClient);
      onDeleted();
    },
  });

  if (editing) return <HabitForm habit={h} onDone={() => setEditing(false)} onCancel={() => setEditing(false)} />;

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1 text-sm">
        <p>
          {describeSchedule(h.schedule)}
          {h.favourite ? " · favourite" : ""}
          {h.archived ? " · archived" : ""}
        </p>
        <dl className="mt-2 grid grid-cols-2 gap-3 sm:grid-cols-4">
          <Stat label="Current streak" value={describeStreak(progress.streak)} />
          <Stat label="Best streak" value={describeStreak({ ...progress.streak, current: progress.streak.best })} />
          <Stat label="Strength" value={`${progress.strength}%`} />
          <Stat label="Done this week" value={String(progress.done_this_week)} />
        </dl>
      </div>

      <HabitMonth progress={progress} />
      <HabitAnalytics id={h.id} />

      <div className="flex flex-wrap gap-2 border-t border-stone-200 pt-4">
        <Button variant="secondary" onClick={() => setEditing(true)}>
          Edit
        </Button>
        <Button variant="secondary" aria-pressed={h.favourite} busy={update.isPending && update.variables?.favourite !== undefined} onClick={() => update.mutate({ favourite: !h.favourite })}>
          {h.favourite ? "★ Favourite" : "☆ Make favourite"}
        </Button>
        <Button variant="secondary" busy={update.isPending && update.variables?.archived !== undefined} onClick={() => update.mutate({ archived: !h.archived })}>
          {h.archived ? "Restore from archive" : "Archive"}
        </Button>
        <Button variant="danger" onClick={() => setConfirming(true)} aria-expanded={confirming}>
          Delete…
        </Button>
      </div>
      <ErrorNote error={update.error} />
      {confirming && (
        <InlineConfirm
          label="Confirm deletion"
          confirmLabel="Delete habit"
          busy={remove.isPending}
          error={remove.error}
          onConfirm={() => remove.mutate()}
          onCancel={() => setConfirming(false)}
        >
          Delete “{h.name}” and all its history? This cannot be undone.
        </InlineConfirm>
      )}
    </div>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded-lg bg-stone-50 px-3 py-2">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="text-lg font-semibold text-brand-800">{value}</dd>
    </div>
  );
}

function HabitMonth({ progress }: { progress: Progress }) {
  const today = progress.today;
  const id = progress.habit.id;
  const [month, setMonth] = useState(monthOf(today));
  const [active, setActive] = useState(today);
  const calendar = useHabitCalendar(id, month);
  const mark = useMarkDay();
  const byDay = new Map((calendar.data?.days ?? []).map((d) => [d.date, d]));
  const canMark = (day: string) => day <= today && daysBetween(day, today) <= 366;

  function goTo(day: string) {
    setActive(day);
    if (monthOf(day) !== month) setMonth(monthOf(day));
  }

  return (
    <section aria-labelledby={`month-${id}`} className="flex flex-col gap-2">
      <div className="flex items-center justify-between gap-2">
        <h3 id={`month-${id}`} className="text-sm font-semibold text-ink">
          {monthLabel(month)}
        </h3>
        <div className="flex gap-1">
          <Button variant="ghost" aria-label="Previous month" onClick={() => goTo(`${shiftMonth(month, -1)}-01`)}>
            ‹
          </Button>
          <Button variant="ghost" aria-label="Next month" onClick={() => goTo(`${shiftMonth(month, 1)}-01`)}>
            ›
          </Button>
        </div>
      </div>
      <p className="text-xs text-muted">Tap a day to mark it done or not done. Days to come cannot be marked.</p>
      {calendar.isPending ? (
        <Loading label="Loading the month" />
      ) : calendar.error ? (
        <ErrorNote error={calendar.error} />
      ) : (
        <MonthGrid
          month={month}
          today={today}
          active={active}
          onActiveChange={goTo}
          caption={`${progress.habit.name}, ${monthLabel(month)}`}
          onSelect={(day) => {
            const d = byDay.get(day);
            mark.mutate({ habitId: id, day, done: !d?.done });
          }}
          cell={(day) => {
            const d = byDay.get(day);
            const done = !!d?.done;
            return {
              pressed: canMark(day) ? done : undefined,
              disabled: !canMark(day),
              status: [done ? "done" : canMark(day) ? "not done" : "cannot be marked yet", d?.scheduled ? "scheduled" : ""].filter(Boolean).join(", "),
              className: done ? "bg-brand-700 text-white hover:bg-brand-800" : d?.scheduled ? "bg-brand-50" : undefined,
              content: (
                <span aria-hidden className="text-xs">
                  {done ? "✓" : d?.scheduled && canMark(day) ? "·" : " "}
                </span>
              ),
            };
          }}
        />
      )}
      <p className="text-xs text-muted">
        <span aria-hidden className="mr-1 inline-block size-3 rounded bg-brand-700 align-middle" /> ✓ done ·{" "}
        <span aria-hidden className="mx-1 inline-block size-3 rounded border border-stone-300 bg-brand-50 align-middle" /> · scheduled
        {calendar.data ? ` · ${calendar.data.done} done in ${monthLabel(month)}` : ""}
      </p>
      <ErrorNote error={mark.error} />
      <p className="sr-only" aria-live="polite">
        {mark.isSuccess && mark.variables ? `${longDay(mark.variables.day)} marked ${mark.variables.done ? "done" : "not done"}.` : ""}
      </p>
    </section>
  );
}

function HabitAnalytics({ id }: { id: string }) {
  const analytics = useHabitAnalytics(id);
  return (
    <section aria-labelledby={`analytics-${id}`} className="flex flex-col gap-3">
      <h3 id={`analytics-${id}`} className="text-sm font-semibold text-ink">
        Analytics
      </h3>
      <QueryState query={analytics} label="Loading analytics">
        {() => {
          const a = analytics.data!;
          return (
            <div className="grid gap-6 md:grid-cols-2">
              <BarChart
                title="Completion rate over time"
                bars={a.rates.map((r) => ({
                  label: `${r.days} days`,
                  value: r.rate,
                  text: `${r.done} of ${r.expected} expected (${percent(r.rate)})`,
                }))}
              />
              <BarChart
                title="Completion by weekday"
                bars={a.by_weekday.map((w) => ({
                  label: WEEKDAYS_SHORT[w.weekday]!,
                  value: w.rate,
                  text: `${w.done} of ${w.expected} (${percent(w.rate)})`,
                }))}
              />
            </div>
          );
        }}
      </QueryState>
    </section>
  );
}
