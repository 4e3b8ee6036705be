"use client";
import { MoodScreen } from "@/features/mood/mood-screen";

export default function MoodPage() {
  return <MoodScreen />;
}
