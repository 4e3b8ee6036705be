"use client";
import { PageHeader } from "@/components/ui";

export default function JournalPage() {
  return <PageHeader title="Journal" />;
}
