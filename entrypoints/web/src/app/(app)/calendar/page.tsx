"use client";
import { Suspense } from "react";
import { Loading } from "@/components/ui";
import { CalendarScreen } from "@/features/calendar/calendar-screen";

export default function CalendarPage() {
  return (
    <Suspense fallback={<Loading label="Loading the calendar" />}>
      <CalendarScreen />
    </Suspense>
  );
}
