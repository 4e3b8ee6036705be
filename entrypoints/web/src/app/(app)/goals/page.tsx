"use client";
import { PageHeader } from "@/components/ui";

export default function GoalsPage() {
  return <PageHeader title="Goals" />;
}
