"use client";
/** Pomodoro: a timer that counts from the server's timestamps, the session's tasks, the
 * settings and the focus statistics on the user's local days. */
import { useEffect } from "react";
import { PageHeader } from "@/components/ui";
import { SettingsForm } from "@/features/pomodoro/settings-form";
import { StatsCard } from "@/features/pomodoro/stats";
import { Timer } from "@/features/pomodoro/timer";

export default function PomodoroPage() {
  useEffect(() => {
    document.title = "Pomodoro · ReFocused";
  }, []);
  return (
    <>
      <PageHeader title="Pomodoro" />
      <div className="grid gap-4 lg:grid-cols-2">
        <Timer />
        <StatsCard />
        <SettingsForm />
      </div>
    </>
  );
}
