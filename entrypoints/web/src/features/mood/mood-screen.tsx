"use client";
/** Mood: log happiness, focus and stress (1 to 5) with a note, see the last 30 days' entries
 * (edit, delete) and a small trend of the daily averages. */
import { useEffect, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { Button, Card, Empty, ErrorNote, PageHeader, QueryState } from "@/components/ui";
import { useAuth } from "@/lib/auth";
import { longDay, todayIn } from "@/lib/days";
import { shiftDay, shortDay } from "@/features/calendar/dates";
import { LineChart } from "@/features/habits/charts";

type Entry = components["schemas"]["MoodEntryRead"];
type Scores = { happiness: number; focus: number; stress: number; note: string };

const METRICS = [
  { key: "happiness", label: "Happiness" },
  { key: "focus", label: "Focus" },
  { key: "stress", label: "Stress" },
] as const;

function invalidate(queryClient: QueryClient) {
  void queryClient.invalidateQueries({ queryKey: ["mood"] });
  void queryClient.invalidateQueries({ queryKey: ["dashboard"] });
  void queryClient.invalidateQueries({ queryKey: ["calendar"] });
}

export function MoodScreen() {
  const { user } = useAuth();
  const today = todayIn(user?.time_zone ?? "UTC");
  const from = shiftDay(today, -29);
  useEffect(() => {
    document.title = "Mood · ReFocused";
  }, []);

  const entries = useQuery({
    queryKey: ["mood", "entries", from, today],
    queryFn: () => unwrap(api.GET("/api/v1/mood/entries", { params: { query: { from, to: today } } })),
  });
  const days = useQuery({
    queryKey: ["mood", "days", from, today],
    queryFn: () => unwrap(api.GET("/api/v1/mood/days", { params: { query: { from, to: today } } })),
  });

  return (
    <>
      <PageHeader title="Mood">
        <p className="text-sm text-muted">{longDay(today)}</p>
      </PageHeader>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="How are you now?">
          <MoodForm />
        </Card>
        <Card title="Trend, last 30 days">
          <QueryState query={days} label="Loading the trend">
            {() =>
              days.data!.length === 0 ? (
                <Empty>Log your mood to see a trend here.</Empty>
              ) : (
                <div className="flex flex-col gap-4">
                  {METRICS.map((m) => (
                    <LineChart
                      key={m.key}
                      title={`${m.label} by day (1 to 5)`}
                      min={1}
                      max={5}
                      points={days.data!.map((d) => ({ label: shortDay(d.date), value: d[m.key], text: `${d[m.key].toFixed(1)} (${d.entries} entr${d.entries === 1 ? "y" : "ies"})` }))}
                    />
                  ))}
                </div>
              )
            }
          </QueryState>
        </Card>
      </div>
      <Card title="Entries, last 30 days" className="mt-4">
        <QueryState query={entries} label="Loading your entries">
          {() =>
            entries.data!.length === 0 ? (
              <Empty>No mood logged in the last 30 days.</Empty>
            ) : (
              <ul className="flex flex-col gap-3">
                {[...entries.data!]
                  .sort((a, b) => b.recorded_at.localeCompare(a.recorded_at))
                  .map((e) => (
                    <EntryRow key={e.id} entry={e} />
                  ))}
              </ul>
            )
          }
        </QueryState>
      </Card>
    </>
  );
}

function ScoreField({ name, label, value, onChange, hint }: { name: string; label: string; value: number; onChange: (v: number) => void; hint: string }) {
  return (
    <fieldset>
      <legend className="text-sm font-medium text-ink">
        {label} <span className="font-normal text-muted">({hint})</span>
      </legend>
      <div className="mt-1 flex gap-2">
        {[1, 2, 3, 4, 5].map((n) => (
          <label key={n} className="flex min-h-10 min-w-10 cursor-pointer items-center justify-center gap-1 rounded-lg border border-stone-300 px-2 text-sm has-[:checked]:border-brand-700 has-[:checked]:bg-brand-50 has-[:checked]:font-semibold">
            <input type="radio" name={name} value={n} checked={value === n} onChange={() => onChange(n)} className="size-4 accent-brand-700" />
            {n}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function MoodForm({ entry, onDone }: { entry?: Entry; onDone?: () => void }) {
  const queryClient = useQueryClient();
  const [scores, setScores] = useState<Scores>({
    happiness: entry?.happiness ?? 3,
    focus: entry?.focus ?? 3,
    stress: entry?.stress ?? 3,
    note: entry?.note ?? "",
  });
  const [saved, setSaved] = useState(false);
  const prefix = entry ? `mood-${entry.id}` : "mood-new";
  const save = useMutation({
    mutationFn: () =>
      entry
        ? unwrap(api.PATCH("/api/v1/mood/entries/{entry_id}", { params: { path: { entry_id: entry.id } }, body: scores }))
        : unwrap(api.POST("/api/v1/mood/entries", { body: scores })),
    onSuccess: () => {
      invalidate(queryClient);
      setSaved(true);
      if (!entry) setScores({ happiness: 3, focus: 3, stress: 3, note: "" });
      onDone?.();
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    save.mutate();
  }
  return (
    <form onSubmit={submit} aria-label={entry ? "Edit mood entry" : "Log mood"} className="flex flex-col gap-4">
      <ScoreField name={`${prefix}-happiness`} label="Happiness" hint="1 low, 5 high" value={scores.happiness} onChange={(v) => setScores((s) => ({ ...s, happiness: v }))} />
      <ScoreField name={`${prefix}-focus`} label="Focus" hint="1 low, 5 high" value={scores.focus} onChange={(v) => setScores((s) => ({ ...s, focus: v }))} />
      <ScoreField name={`${prefix}-stress`} label="Stress" hint="1 low, 5 high" value={scores.stress} onChange={(v) => setScores((s) => ({ ...s, stress: v }))} />
      <div className="flex flex-col gap-1">
        <label htmlFor={`${prefix}-note`} className="text-sm font-medium text-ink">
          Note (optional)
        </label>
        <textarea
          id={`${prefix}-note`}
          value={scores.note}
          onChange={(e) => setScores((s) => ({ ...s, note: e.target.value }))}
          rows={2}
          maxLength={500}
          className="rounded-lg border border-stone-300 bg-white px-3 py-2 text-base text-ink"
        />
      </div>
      <ErrorNote error={save.error} />
      <div className="flex items-center gap-2">
        <Button type="submit" busy={save.isPending}>
          {entry ? "Save entry" : "Log mood"}
        </Button>
        {onDone && (
          <Button variant="secondary" onClick={onDone}>
            Cancel
          </Button>
        )}
        <p role="status" className="text-sm text-brand-800">
          {saved && !entry ? "Logged." : ""}
        </p>
      </div>
    </form>
  );
}

function EntryRow({ entry }: { entry: Entry }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/mood/entries/{entry_id}", { params: { path: { entry_id: entry.id } } })),
    onSuccess: () => invalidate(queryClient),
  });
  const when = `${shortDay(entry.local_date)}, ${new Date(entry.recorded_at).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" })}`;
  if (editing) {
    return (
      <li className="rounded-xl border border-brand-200 p-3">
        <p className="mb-2 text-sm font-medium">Editing the entry of {when}</p>
        <MoodForm entry={entry} onDone={() => setEditing(false)} />
      </li>
    );
  }
  return (
    <li className="flex flex-wrap items-start justify-between gap-3 rounded-xl border border-stone-200 p-3">
      <div className="text-sm">
        <p className="font-medium">{when}</p>
        <p>
          Happiness {entry.happiness} · Focus {entry.focus} · Stress {entry.stress}
        </p>
        {entry.note && <p className="text-muted">{entry.note}</p>}
      </div>
      <div className="flex gap-2">
        <Button variant="secondary" onClick={() => setEditing(true)} aria-label={`Edit the entry of ${when}`}>
          Edit
        </Button>
        {confirming ? (
          <>
            <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate()} aria-label={`Confirm delete: the entry of ${when}`}>
              Confirm delete
            </Button>
            <Button variant="secondary" onClick={() => setConfirming(false)}>
              Keep
            </Button>
          </>
        ) : (
          <Button variant="secondary" onClick={() => setConfirming(true)} aria-label={`Delete the entry of ${when}`}>
            Delete
          </Button>
        )}
      </div>
      <ErrorNote error={remove.error} className="w-full" />
    </li>
  );
}
