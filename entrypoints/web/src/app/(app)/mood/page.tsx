"use client";
import { PageHeader } from "@/components/ui";

export default function MoodPage() {
  return <PageHeader title="Mood" />;
}
