"use client";
import { FeedbackScreen } from "@/features/feedback/feedback-screen";

export default function FeedbackPage() {
  return <FeedbackScreen />;
}
