"use client";
/** A screen that failed to render: a sentence and a way back, never a blank page. */
import { useEffect } from "react";
import { Button } from "@/components/ui";

export default function ScreenError({ error, reset }: { error: Error; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div role="alert" className="rounded-2xl border border-red-200 bg-red-50 p-6">
      <h1 className="text-lg font-semibold text-red-900">This screen could not be shown</h1>
      <p className="mt-2 text-sm text-red-900">Something went wrong while showing it. Try again, or reload the page.</p>
      <Button className="mt-4" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
