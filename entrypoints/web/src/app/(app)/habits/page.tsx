"use client";
import { Suspense } from "react";
import { Loading } from "@/components/ui";
import { HabitsScreen } from "@/features/habits/habits-screen";

export default function HabitsPage() {
  return (
    <Suspense fallback={<Loading label="Loading your habits" />}>
      <HabitsScreen />
    </Suspense>
  );
}
