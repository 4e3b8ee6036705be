"use client";
import { PageHeader } from "@/components/ui";

export default function BreathingPage() {
  return <PageHeader title="Breathing" />;
}
