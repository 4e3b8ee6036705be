"use client";
/** Create or edit a habit: its name, its schedule (every day, chosen weekdays, or N times a
 * week) and whether it is a favourite. The API's message for a field shows under that field. */
import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { ApiError } from "@/api/problem";
import { Button, ErrorNote, TextField } from "@/components/ui";
import { WEEKDAYS } from "@/features/calendar/dates";
import { invalidateAfterHabitChange, type Habit, type Schedule } from "./api";

type Kind = NonNullable<Schedule["kind"]>;

function FieldMessage({ error, field }: { error: unknown; field: string }) {
  const message = error instanceof ApiError ? error.fieldMessage(field) : undefined;
  return message ? <p className="text-sm text-red-800">{message}</p> : null;
}

export function HabitForm({ habit, onDone, onCancel }: { habit?: Habit; onDone: (habit: Habit) => void; onCancel?: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(habit?.name ?? "");
  const [kind, setKind] = useState<Kind>(habit?.schedule.kind ?? "daily");
  const [weekdays, setWeekdays] = useState<number[]>(habit?.schedule.weekdays ?? []);
  const [times, setTimes] = useState<number>(habit?.schedule.times_per_week ?? 3);
  const [favourite, setFavourite] = useState(habit?.favourite ?? false);
  const idPrefix = habit ? `edit-${habit.id}` : "new-habit";

  const save = useMutation({
    mutationFn: () => {
      const schedule: Schedule =
        kind === "weekdays" ? { kind, weekdays: [...weekdays].sort() } : kind === "times_per_week" ? { kind, times_per_week: times } : { kind };
      return habit
        ? unwrap(api.PATCH("/api/v1/habits/{habit_id}", { params: { path: { habit_id: habit.id } }, body: { name: name.trim(), schedule, favourite } }))
        : unwrap(api.POST("/api/v1/habits", { body: { name: name.trim(), schedule, favourite } }));
    },
    onSuccess: (saved) => {
      invalidateAfterHabitChange(queryClient);
      onDone(saved);
    },
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate();
  }

  // An error the API tied to a field shows under that field; any other shows below the form.
  const err = save.error;
  const inField = err instanceof ApiError && ["name", "schedule.weekdays", "schedule.times_per_week"].some((f) => err.fieldMessage(f));
  const fieldError = inField ? null : err;

  return (
    <form onSubmit={submit} className="flex flex-col gap-4" aria-label={habit ? `Edit ${habit.name}` : "New habit"}>
      <TextField label="Name" field="name" error={save.error} value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} autoComplete="off" />
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-sm font-medium text-ink">How often</legend>
        {(
          [
            ["daily", "Every day"],
            ["weekdays", "On chosen weekdays"],
            ["times_per_week", "A number of times a week"],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="flex items-center gap-2 text-sm">
            <input type="radio" name={`${idPrefix}-kind`} value={value} checked={kind === value} onChange={() => setKind(value)} className="size-4 accent-brand-700" />
            {label}
          </label>
        ))}
      </fieldset>
      {kind === "weekdays" && (
        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1 text-sm font-medium text-ink">Weekdays</legend>
          <div className="flex flex-wrap gap-2">
            {WEEKDAYS.map((day, i) => (
              <label key={day} className="flex items-center gap-1 rounded-lg border border-stone-300 px-2 py-1 text-sm">
                <input
                  type="checkbox"
                  checked={weekdays.includes(i)}
                  onChange={(e) => setWeekdays((w) => (e.target.checked ? [...w, i] : w.filter((d) => d !== i)))}
                  className="size-4 accent-brand-700"
                />
                {day}
              </label>
            ))}
          </div>
          <FieldMessage error={save.error} field="schedule.weekdays" />
        </fieldset>
      )}
      {kind === "times_per_week" && (
        <div className="flex flex-col gap-1">
          <label htmlFor={`${idPrefix}-times`} className="text-sm font-medium text-ink">
            Times a week
          </label>
          <select id={`${idPrefix}-times`} value={times} onChange={(e) => setTimes(Number(e.target.value))} className="min-h-10 w-32 rounded-lg border border-stone-300 bg-white px-3 text-base">
            {[1, 2, 3, 4, 5, 6, 7].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          <FieldMessage error={save.error} field="schedule.times_per_week" />
        </div>
      )}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={favourite} onChange={(e) => setFavourite(e.target.checked)} className="size-4 accent-brand-700" />
        Favourite (shown first)
      </label>
      {fieldError ? <ErrorNote error={fieldError} /> : null}
      <div className="flex gap-2">
        <Button type="submit" busy={save.isPending}>
          {habit ? "Save changes" : "Create habit"}
        </Button>
        {onCancel && (
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}
