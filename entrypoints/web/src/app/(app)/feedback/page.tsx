"use client";
import { PageHeader } from "@/components/ui";

export default function FeedbackPage() {
  return <PageHeader title="Feedback" />;
}
