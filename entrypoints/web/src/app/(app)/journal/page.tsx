"use client";
/** The journal (src/features/journal): `?entry=<id>` opens one entry. */
import { useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { Loading } from "@/components/ui";
import { Journal } from "@/features/journal/Journal";

function JournalWithParams() {
  const params = useSearchParams();
  return <Journal initialEntry={params.get("entry")} />;
}

export default function JournalPage() {
  return (
    <Suspense fallback={<Loading label="Loading your journal" />}>
      <JournalWithParams />
    </Suspense>
  );
}
