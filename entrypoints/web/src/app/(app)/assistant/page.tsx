"use client";
import { PageHeader } from "@/components/ui";

export default function AssistantPage() {
  return <PageHeader title="Assistant" />;
}
