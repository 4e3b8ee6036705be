"use client";
import { PageHeader } from "@/components/ui";

export default function HabitsPage() {
  return <PageHeader title="Habits" />;
}
