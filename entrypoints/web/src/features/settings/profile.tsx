"use client";
/** The profile: the name the app greets with, and the time zone that decides the user's day. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type FormEvent } from "react";
import { api, unwrap } from "@/api/client";
import { Button, Card, Done, ErrorNote, formError, SelectField, TextField } from "@/components/ui";
import { ME, type User } from "@/lib/auth";
import { forForm } from "./fields";

/** The device's own zone, as the browser reports it. */
export function deviceZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** Every IANA zone the browser knows, with UTC and the ones in use always present. */
function allZones(...present: string[]): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    zones = [];
  }
  const set = new Set([...zones, "UTC", ...present.filter(Boolean)]);
  return [...set].sort((a, b) => a.localeCompare(b));
}

type ProfileChange = { display_name?: string; time_zone?: string };

export function useUpdateProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ProfileChange) => forForm(unwrap(api.PATCH("/api/v1/users/me", { body }))),
    onSuccess: (user) => {
      queryClient.setQueryData(ME, user);
      // The day, streaks and everything "today" depend on the zone.
      void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== ME[0] });
    },
  });
}

export function ProfileCard({ user }: { user: User }) {
  const [name, setName] = useState(user.display_name);
  const [zone, setZone] = useState(user.time_zone);
  const [saved, setSaved] = useState("");
  const update = useUpdateProfile();
  const device = useMemo(deviceZone, []);
  const zones = useMemo(() => allZones(user.time_zone, device), [user.time_zone, device]);

  function save(body: ProfileChange, message: string) {
    setSaved("");
    update.mutate(body, {
      onSuccess: (u) => {
        setName(u.display_name);
        setZone(u.time_zone);
        setSaved(message);
      },
    });
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const body: ProfileChange = {};
    if (name !== user.display_name) body.display_name = name;
    if (zone !== user.time_zone) body.time_zone = zone;
    if (Object.keys(body).length === 0) {
      setSaved("Nothing to save: your profile is as shown.");
      return;
    }
    save(body, "Your profile was saved.");
  }

  return (
    <Card title="Profile">
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <TextField
          label="Display name"
          name="display_name"
          autoComplete="nickname"
          value={name}
          maxLength={80}
          onChange={(e) => setName(e.target.value)}
          field="display_name"
          error={update.error}
        />
        <SelectField
          label="Time zone"
          name="time_zone"
          value={zone}
          onChange={(e) => setZone(e.target.value)}
          field="time_zone"
          error={update.error}
          hint="Your day (today, streaks, habit days) starts at midnight in this zone."
        >
          {zones.map((z) => (
            <option key={z} value={z}>
              {z.replaceAll("_", " ")}
            </option>
          ))}
        </SelectField>
        {device !== user.time_zone && (
          <div className="flex flex-wrap items-center gap-2 rounded-lg border border-stone-200 bg-stone-50 px-3 py-2 text-sm">
            <span>
              This device is set to <strong>{device.replaceAll("_", " ")}</strong>.
            </span>
            <Button
              variant="secondary"
              busy={update.isPending}
              onClick={() => save({ time_zone: device }, `Your time zone is now ${device.replaceAll("_", " ")}.`)}
            >
              Use this device’s zone
            </Button>
          </div>
        )}
        <ErrorNote error={formError(update.error, ["display_name", "time_zone"])} />
        <Done>{saved}</Done>
        <div>
          <Button type="submit" busy={update.isPending}>
            Save profile
          </Button>
        </div>
      </form>
    </Card>
  );
}
