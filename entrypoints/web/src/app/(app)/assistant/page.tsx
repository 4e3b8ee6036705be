"use client";
import { AssistantScreen } from "@/features/assistant/assistant-screen";

export default function AssistantPage() {
  return <AssistantScreen />;
}
