"use client";
/** Study: the decks (/study/), one deck (/study/?deck=<id>) and a review session
 * (/study/?deck=<id>&review=1). A static export has no dynamic segments, so the page reads its
 * query parameters. */
import { useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { Loading } from "@/components/ui";
import { DeckList } from "@/features/study/deck-list";
import { DeckView } from "@/features/study/deck-view";
import { ReviewSession } from "@/features/study/review-session";

function StudyScreens() {
  const params = useSearchParams();
  const deck = params.get("deck");
  if (deck && params.get("review")) return <ReviewSession key={deck} deckId={deck} />;
  if (deck) return <DeckView key={deck} deckId={deck} />;
  return <DeckList />;
}

export default function StudyPage() {
  return (
    <Suspense fallback={<Loading label="Opening Study" />}>
      <StudyScreens />
    </Suspense>
  );
}
