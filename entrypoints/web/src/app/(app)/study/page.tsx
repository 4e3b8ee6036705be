"use client";
import { PageHeader } from "@/components/ui";

export default function StudyPage() {
  return <PageHeader title="Study" />;
}
