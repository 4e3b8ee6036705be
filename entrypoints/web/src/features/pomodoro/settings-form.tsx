"use client";
/** The timer's settings: lengths, the long-break rhythm and the auto-start flags. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { ApiError } from "@/api/problem";
import { Button, Card, ErrorNote, QueryState, TextField } from "@/components/ui";
import { KEYS, getSettings, updateSettings, type Settings } from "./api";

const NUMBERS: { field: keyof Settings; label: string; min: number; max: number; hint: string }[] = [
  { field: "focus_minutes", label: "Focus length (minutes)", min: 1, max: 180, hint: "1 to 180" },
  { field: "short_break_minutes", label: "Short break (minutes)", min: 1, max: 60, hint: "1 to 60" },
  { field: "long_break_minutes", label: "Long break (minutes)", min: 1, max: 120, hint: "1 to 120" },
  { field: "long_break_every", label: "Long break after this many focus sessions", min: 1, max: 12, hint: "1 to 12" },
];

export function SettingsForm() {
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: KEYS.settings, queryFn: getSettings });
  const [form, setForm] = useState<Record<string, string | number | boolean>>({});
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (settings.data) setForm({ ...settings.data });
  }, [settings.data]);

  const save = useMutation({
    mutationFn: () =>
      updateSettings({
        focus_minutes: Number(form.focus_minutes),
        short_break_minutes: Number(form.short_break_minutes),
        long_break_minutes: Number(form.long_break_minutes),
        long_break_every: Number(form.long_break_every),
        auto_start_breaks: Boolean(form.auto_start_breaks),
        auto_start_focus: Boolean(form.auto_start_focus),
      }),
    onSuccess: (data) => {
      queryClient.setQueryData(KEYS.settings, data);
      setSaved(true);
      void queryClient.invalidateQueries({ queryKey: KEYS.current });
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    save.mutate();
  };

  return (
    <Card title="Timer settings">
      <QueryState query={settings} label="Loading settings">
        {() => (
          <form onSubmit={submit} className="flex flex-col gap-3" noValidate>
            <div className="grid gap-3 sm:grid-cols-2">
              {NUMBERS.map((n) => (
                <TextField
                  key={n.field}
                  label={n.label}
                  field={n.field}
                  error={save.error}
                  hint={n.hint}
                  type="number"
                  inputMode="numeric"
                  min={n.min}
                  max={n.max}
                  required
                  value={String(form[n.field] ?? "")}
                  onChange={(e) => {
                    setSaved(false);
                    setForm((f) => ({ ...f, [n.field]: e.target.value }));
                  }}
                />
              ))}
            </div>
            {(
              [
                ["auto_start_breaks", "Start breaks automatically when a focus session ends"],
                ["auto_start_focus", "Start focus automatically when a break ends"],
              ] as const
            ).map(([field, label]) => (
              <label key={field} className="flex items-center gap-2 text-sm text-ink">
                <input
                  type="checkbox"
                  className="size-5 accent-brand-700"
                  checked={Boolean(form[field])}
                  onChange={(e) => {
                    setSaved(false);
                    setForm((f) => ({ ...f, [field]: e.target.checked }));
                  }}
                />
                {label}
              </label>
            ))}
            <div className="flex items-center gap-3">
              <Button type="submit" busy={save.isPending}>
                Save settings
              </Button>
              <p role="status" className="text-sm text-brand-800">
                {saved ? "Settings saved." : ""}
              </p>
            </div>
            {!(save.error instanceof ApiError && NUMBERS.some((n) => (save.error as ApiError).fieldMessage(n.field))) && (
              <ErrorNote error={save.error} />
            )}
          </form>
        )}
      </QueryState>
    </Card>
  );
}
