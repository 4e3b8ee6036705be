"use client";
import { PageHeader } from "@/components/ui";

export default function CalendarPage() {
  return <PageHeader title="Calendar" />;
}
