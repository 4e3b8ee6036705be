"use client";
/** Breathing: guided techniques as an animated circle, the session log and the totals. */
import { useEffect } from "react";
import { PageHeader } from "@/components/ui";
import { SessionLog, Totals } from "@/features/breathing/history";
import { Player } from "@/features/breathing/player";

export default function BreathingPage() {
  useEffect(() => {
    document.title = "Breathing · ReFocused";
  }, []);
  return (
    <>
      <PageHeader title="Breathing" />
      <Player />
      <div className="mt-4 grid gap-4 md:grid-cols-2">
        <SessionLog />
        <Totals />
      </div>
    </>
  );
}
