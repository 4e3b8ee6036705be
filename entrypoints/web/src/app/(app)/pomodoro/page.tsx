"use client";
import { PageHeader } from "@/components/ui";

export default function PomodoroPage() {
  return <PageHeader title="Pomodoro" />;
}
