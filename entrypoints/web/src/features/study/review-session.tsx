"use client";
/** A review session, driven by the keyboard: the front, Space for the back, 1-4 to rate (Again,
 * Hard, Good, Easy), U to undo the last rating, and a summary at the end. Rating moves on at once;
 * ratings and undos go to the API one after another, in the order they were given. */
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { Button, Card, ErrorNote, Loading, PageHeader, cx } from "@/components/ui";
import { dueNow, plural, useDeck, useQueue, useRefreshStudy, type StudyCard } from "./api";
import { BackToDecks } from "./deck-view";

const RATINGS = [
  { value: 1, label: "Again", hint: "forgot it", style: "border-red-300 text-red-800 hover:bg-red-50" },
  { value: 2, label: "Hard", hint: "with effort", style: "border-amber-300 text-amber-900 hover:bg-amber-50" },
  { value: 3, label: "Good", hint: "remembered", style: "border-brand-200 text-brand-800 hover:bg-brand-50" },
  { value: 4, label: "Easy", hint: "at once", style: "border-sky-300 text-sky-900 hover:bg-sky-50" },
] as const;
const SCOPE = { id: "study-review-session" };

interface Rated {
  card: StudyCard;
  rating: number;
  /** Where the card stood in the session, to put it back there on undo. */
  position: number;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function ReviewSession({ deckId }: { deckId: string }) {
  const deck = useDeck(deckId);
  const [cards, setCards] = useState<StudyCard[] | null>(null);
  const [round, setRound] = useState(0);
  const [since, setSince] = useState(0);
  // Only asked while a session starts: ratings change the queue, and the session does not move.
  const queue = useQueue(deckId, cards === null);

  useEffect(() => {
    document.title = `Review ${deck.data?.name ?? "cards"} · ReFocused`;
  }, [deck.data?.name]);

  // The session is what was due when it started.
  useEffect(() => {
    if (cards === null && queue.data && !queue.isFetching && queue.dataUpdatedAt >= since) {
      setCards([...queue.data.reviews, ...queue.data.new]);
    }
  }, [cards, queue.data, queue.isFetching, queue.dataUpdatedAt, since]);

  const title = deck.data ? `Review: ${deck.data.name}` : "Review";
  if (deck.error || (cards === null && queue.error))
    return (
      <>
        <PageHeader title={title} />
        <ErrorNote error={deck.error ?? queue.error} />
        <BackToDecks />
      </>
    );
  if (cards === null) return <Loading label="Loading the cards due" />;
  return (
    <Session
      key={round}
      deckId={deckId}
      title={title}
      initial={cards}
      restart={() => {
        setSince(Date.now());
        setCards(null);
        setRound((r) => r + 1);
      }}
    />
  );
}

function Session({ deckId, title, initial, restart }: { deckId: string; title: string; initial: StudyCard[]; restart: () => void }) {
  const refresh = useRefreshStudy();
  const [cards, setCards] = useState(initial);
  const [index, setIndex] = useState(0);
  const [revealed, setRevealed] = useState(false);
  const [rated, setRated] = useState<Rated[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState("");
  const shownAt = useRef(Date.now());
  const startedAt = useRef(Date.now());
  const [endedAt, setEndedAt] = useState<number | null>(null);
  const cardRef = useRef<HTMLDivElement>(null);
  const summaryRef = useRef<HTMLHeadingElement>(null);

  const indexRef = useRef(index);
  indexRef.current = index;
  const ratedRef = useRef(rated);
  ratedRef.current = rated;

  const current = index < cards.length ? cards[index] : undefined;
  const done = current === undefined;

  useEffect(() => {
    shownAt.current = Date.now();
  }, [current?.id, index]);
  useEffect(() => {
    if (done) {
      setEndedAt((t) => t ?? Date.now());
      summaryRef.current?.focus();
    } else setEndedAt(null);
  }, [done]);

  const review = useMutation({
    scope: SCOPE,
    mutationFn: (r: { card: StudyCard; rating: number; duration: number }) =>
      unwrap(
        api.POST("/api/v1/study/cards/{card_id}/reviews", {
          params: { path: { card_id: r.card.id } },
          body: { rating: r.rating, duration_ms: Math.min(r.duration, 86_400_000) },
        }),
      ),
    onError: (e, r) => {
      // The rating did not count: the card comes back to be rated again.
      setError(e);
      setRated((list) => list.filter((x) => x.card.id !== r.card.id));
      setCards((list) => {
        const at = Math.min(indexRef.current, list.length);
        return [...list.slice(0, at), r.card, ...list.slice(at)];
      });
      setRevealed(false);
    },
    onSettled: () => refresh(),
  });

  const undo = useMutation({
    scope: SCOPE,
    mutationFn: () => unwrap(api.POST("/api/v1/study/reviews/undo")),
    onSuccess: (card) => {
      setError(null);
      const list = ratedRef.current;
      const last = list[list.length - 1];
      if (last && last.card.id === card.id) {
        setCards((cs) => cs.map((c, i) => (i === last.position ? card : c)));
        setIndex(last.position);
        setRated(list.slice(0, -1));
      } else {
        // A review from before this session: the card joins it now.
        const at = indexRef.current;
        setCards((cs) => [...cs.slice(0, at), card, ...cs.slice(at)]);
      }
      setRevealed(false);
      setNote(`Undone. “${short(card.front)}” is back.`);
      cardRef.current?.focus();
    },
    onError: (e) => setError(e),
    onSettled: () => refresh(),
  });

  const reveal = useCallback(() => {
    if (!done) setRevealed(true);
  }, [done]);

  const rate = useCallback(
    (rating: number) => {
      if (!current || !revealed) return;
      setError(null);
      setNote("");
      setRated((list) => [...list, { card: current, rating, position: index }]);
      review.mutate({ card: current, rating, duration: Date.now() - shownAt.current });
      setIndex(index + 1);
      setRevealed(false);
    },
    [current, revealed, index, review],
  );

  const undoLast = useCallback(() => {
    if (rated.length === 0 || undo.isPending) return;
    setNote("");
    undo.mutate();
  }, [rated.length, undo]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.repeat || isTyping(e.target)) return;
      const onButton = e.target instanceof HTMLElement && !!e.target.closest("button, a");
      if (e.key === " " || e.code === "Space") {
        if (onButton) return; // Space presses the focused button, as everywhere else
        e.preventDefault();
        reveal();
      } else if (["1", "2", "3", "4"].includes(e.key)) {
        e.preventDefault();
        rate(Number(e.key));
      } else if (e.key === "u" || e.key === "U") {
        e.preventDefault();
        undoLast();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [reveal, rate, undoLast]);

  const saving = review.isPending || undo.isPending;
  const counts = RATINGS.map((r) => ({ ...r, n: rated.filter((x) => x.rating === r.value).length }));

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/study/" className="text-brand-800 underline">
          Study
        </Link>
        <span aria-hidden className="px-1 text-muted">
          /
        </span>
        <Link href={`/study/?deck=${deckId}`} className="text-brand-800 underline">
          Deck
        </Link>
      </nav>
      <PageHeader title={title}>
        <p className="text-sm text-muted" aria-live="polite">
          {done ? "Finished" : `Card ${index + 1} of ${cards.length}`}
          {saving && " · saving…"}
        </p>
      </PageHeader>
      <p className="mb-4 text-sm text-muted" id="review-keys">
        Keys: <kbd className="rounded border border-stone-300 bg-white px-1">Space</kbd> to show,{" "}
        <kbd className="rounded border border-stone-300 bg-white px-1">1</kbd>–<kbd className="rounded border border-stone-300 bg-white px-1">4</kbd> to rate,{" "}
        <kbd className="rounded border border-stone-300 bg-white px-1">U</kbd> to undo.
      </p>
      <ErrorNote error={error} className="mb-4" />
      <p role="status" className={note ? "mb-4 text-sm text-brand-800" : "sr-only"}>
        {note}
      </p>

      {cards.length === 0 ? (
        <Card>
          <h2 className="text-lg font-semibold">Nothing to review now</h2>
          <p className="mt-2 text-sm text-muted">No card in this deck is due. Come back later, or add new cards.</p>
          <Link href={`/study/?deck=${deckId}`} className="mt-4 inline-block text-sm text-brand-800 underline">
            Back to the deck
          </Link>
        </Card>
      ) : current ? (
        <Card>
          <div ref={cardRef} tabIndex={-1} aria-describedby="review-keys" className="rounded-lg outline-offset-4">
            <h2 className="text-xs font-semibold uppercase tracking-wide text-muted">Front</h2>
            <p className="mt-2 whitespace-pre-wrap break-words text-2xl text-ink" data-testid="card-front">
              {current.front}
            </p>
            {revealed && (
              <div className="mt-6 border-t border-stone-200 pt-4">
                <h2 className="text-xs font-semibold uppercase tracking-wide text-muted">Back</h2>
                <p className="mt-2 whitespace-pre-wrap break-words text-xl text-ink" data-testid="card-back">
                  {current.back}
                </p>
              </div>
            )}
          </div>
          <div className="mt-6">
            {!revealed ? (
              <Button onClick={reveal} className="w-full sm:w-auto">
                Show answer <kbd className="text-xs opacity-90">(Space)</kbd>
              </Button>
            ) : (
              <div role="group" aria-label="How well did you remember?" className="grid grid-cols-2 gap-2 sm:grid-cols-4">
                {RATINGS.map((r) => (
                  <button
                    key={r.value}
                    type="button"
                    onClick={() => rate(r.value)}
                    aria-keyshortcuts={String(r.value)}
                    className={cx("flex min-h-14 flex-col items-center justify-center rounded-lg border bg-white px-3 py-2 text-sm font-medium", r.style)}
                  >
                    <span>
                      {r.label} <kbd className="text-xs">({r.value})</kbd>
                    </span>
                    <span className="text-xs font-normal text-ink">{r.hint}</span>
                  </button>
                ))}
              </div>
            )}
          </div>
          <div className="mt-4 flex flex-wrap gap-2">
            <Button variant="ghost" onClick={undoLast} disabled={rated.length === 0} busy={undo.isPending} aria-keyshortcuts="u">
              Undo last rating (U)
            </Button>
          </div>
        </Card>
      ) : (
        <Card>
          <h2 ref={summaryRef} tabIndex={-1} className="text-lg font-semibold">
            Session complete
          </h2>
          <p className="mt-2 text-sm">
            You reviewed {plural(rated.length, "card")}
            {endedAt && ` in ${duration(endedAt - startedAt.current)}`}.
          </p>
          <ul className="mt-3 grid grid-cols-2 gap-2 text-sm sm:grid-cols-4" aria-label="Ratings">
            {counts.map((r) => (
              <li key={r.value} className="rounded-lg border border-stone-200 px-3 py-2">
                {r.label}: <strong>{r.n}</strong>
              </li>
            ))}
          </ul>
          <DueAfter deckId={deckId} restart={restart} saving={saving} />
          <div className="mt-5 flex flex-wrap gap-2">
            <Button variant="secondary" onClick={undoLast} disabled={rated.length === 0} busy={undo.isPending}>
              Undo last rating (U)
            </Button>
            <Link href={`/study/?deck=${deckId}`} className="inline-flex min-h-10 items-center rounded-lg px-4 py-2 text-sm font-medium text-brand-800 underline hover:bg-brand-50">
              Back to the deck
            </Link>
          </div>
        </Card>
      )}
    </>
  );
}

/** What is due now, after the session (a card rated Again comes back within minutes). */
function DueAfter({ deckId, restart, saving }: { deckId: string; restart: () => void; saving: boolean }) {
  const queue = useQueue(deckId, !saving);
  const due = saving ? undefined : dueNow(queue.data);
  return (
    <>
      <p className="mt-3 text-sm" aria-live="polite" data-testid="due-after">
        {due === undefined ? "Counting the cards due…" : due === 0 ? "No cards are due now in this deck." : `${plural(due, "card")} due now in this deck.`}
      </p>
      {due !== undefined && due > 0 && (
        <Button className="mt-3" onClick={restart}>
          Review {plural(due, "more card")}
        </Button>
      )}
    </>
  );
}

function duration(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 60) return plural(s, "second");
  return plural(Math.round(s / 60), "minute");
}

function short(text: string): string {
  const line = text.split("\n")[0]!.trim();
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}
