"use client";
/** Study settings: how much a user wants to remember (FSRS's desired retention) and how many new
 * cards a day each deck introduces. */
import { useEffect, useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { Button, Card, FormError, QueryState, TextField } from "@/components/ui";
import { keys, useRefreshStudy, useStudySettings } from "./api";

export function SettingsCard() {
  const settings = useStudySettings();
  return (
    <Card title="Study settings" className="self-start">
      <QueryState query={settings} label="Loading your settings">
        {() => <SettingsForm retention={settings.data!.desired_retention} perDay={settings.data!.new_cards_per_day} />}
      </QueryState>
    </Card>
  );
}

function SettingsForm({ retention, perDay }: { retention: number; perDay: number }) {
  const queryClient = useQueryClient();
  const refresh = useRefreshStudy();
  const [percent, setPercent] = useState(String(Math.round(retention * 100)));
  const [newPerDay, setNewPerDay] = useState(String(perDay));
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    setPercent(String(Math.round(retention * 100)));
    setNewPerDay(String(perDay));
  }, [retention, perDay]);

  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH("/api/v1/study/settings", {
          body: { desired_retention: Number(percent) / 100, new_cards_per_day: Math.trunc(Number(newPerDay)) },
        }),
      ),
    onSuccess: (data) => {
      queryClient.setQueryData(keys.settings, data);
      setSaved(true);
      refresh();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    save.mutate();
  };
  return (
    <form onSubmit={submit} className="flex flex-col gap-3">
      <TextField
        label="Desired retention (%)"
        type="number"
        inputMode="numeric"
        min={70}
        max={99}
        step={1}
        required
        field="desired_retention"
        error={save.error}
        hint="How much you want to remember, 70 to 99. Higher means more reviews."
        value={percent}
        onChange={(e) => setPercent(e.target.value)}
      />
      <TextField
        label="New cards per day"
        type="number"
        inputMode="numeric"
        min={0}
        max={9999}
        step={1}
        required
        field="new_cards_per_day"
        error={save.error}
        hint="In each deck, on your local day."
        value={newPerDay}
        onChange={(e) => setNewPerDay(e.target.value)}
      />
      <FormError error={save.error} fields={["desired_retention", "new_cards_per_day"]} />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" busy={save.isPending}>
          Save settings
        </Button>
        <p role="status" className="text-sm text-brand-800">
          {saved && "Settings saved."}
        </p>
      </div>
    </form>
  );
}
