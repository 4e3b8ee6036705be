"use client";
/** A deck's cards, a page at a time: each can be edited in place or deleted after a confirmation. */
import { useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { Button, Card, Empty, ErrorNote, FormError, Loading, TextField } from "@/components/ui";
import { CARDS_PAGE, useCards, useProgress, useRefreshStudy, type StudyCard } from "./api";
import { CardSides } from "./widgets";
import { ConfirmDialog } from "@/components/confirm-dialog";

const STATE_LABEL: Record<string, string> = {
  new: "New",
  learning: "Learning",
  review: "Review",
  relearning: "Relearning",
};

export function CardsSection({ deckId }: { deckId: string }) {
  const [offset, setOffset] = useState(0);
  const cards = useCards(deckId, offset);
  const progress = useProgress(deckId);
  const total = progress.data?.total;
  const page = Math.floor(offset / CARDS_PAGE) + 1;
  const pages = total === undefined ? undefined : Math.max(1, Math.ceil(total / CARDS_PAGE));
  const list = cards.data?.cards ?? [];

  // A page emptied by deletions: step back to the one before.
  if (cards.data && list.length === 0 && offset > 0) setOffset(Math.max(0, offset - CARDS_PAGE));

  return (
    <Card title={total === undefined ? "Cards" : `Cards (${total})`} className="mt-4">
      {cards.isPending ? (
        <Loading label="Loading cards" />
      ) : cards.error ? (
        <ErrorNote error={cards.error} />
      ) : list.length === 0 ? (
        <Empty>No cards in this deck yet. Add one above or import them from Anki.</Empty>
      ) : (
        <>
          <ul className="flex flex-col divide-y divide-stone-200" aria-label="Cards in this deck">
            {list.map((card) => (
              <CardRow key={card.id} card={card} />
            ))}
          </ul>
          <nav aria-label="Card pages" className="mt-4 flex flex-wrap items-center justify-between gap-2">
            <Button variant="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - CARDS_PAGE))}>
              Previous page
            </Button>
            <p className="text-sm text-muted" aria-live="polite">
              Page {page}
              {pages !== undefined && ` of ${pages}`}
            </p>
            <Button variant="secondary" disabled={!cards.data?.more} onClick={() => setOffset(offset + CARDS_PAGE)}>
              Next page
            </Button>
          </nav>
        </>
      )}
    </Card>
  );
}

function CardRow({ card }: { card: StudyCard }) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const refresh = useRefreshStudy();
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/study/cards/{card_id}", { params: { path: { card_id: card.id } } })),
    onSuccess: () => {
      setConfirming(false);
      refresh();
    },
  });
  if (editing) return <EditCard card={card} onDone={() => setEditing(false)} />;
  return (
    <li className="flex flex-wrap items-start justify-between gap-3 py-3">
      <div className="min-w-0 flex-1">
        <p className="whitespace-pre-wrap break-words font-medium">{card.front}</p>
        <p className="mt-1 whitespace-pre-wrap break-words text-sm text-muted">{card.back}</p>
        <p className="mt-1 text-xs text-muted">
          {STATE_LABEL[card.state] ?? card.state}
          {card.tags.length > 0 && ` · tags: ${card.tags.join(", ")}`}
        </p>
      </div>
      <div className="flex gap-2">
        <Button variant="secondary" onClick={() => setEditing(true)} aria-label={`Edit card “${short(card.front)}”`}>
          Edit
        </Button>
        <Button variant="secondary" onClick={() => setConfirming(true)} aria-label={`Delete card “${short(card.front)}”`}>
          Delete
        </Button>
      </div>
      <ConfirmDialog
        open={confirming}
        title="Delete this card?"
        confirmLabel="Delete card"
        busy={remove.isPending}
        error={remove.error}
        onCancel={() => {
          setConfirming(false);
          remove.reset();
        }}
        onConfirm={() => remove.mutate()}
      >
        “{short(card.front)}” and its review history are deleted. This cannot be undone.
      </ConfirmDialog>
    </li>
  );
}

function EditCard({ card, onDone }: { card: StudyCard; onDone: () => void }) {
  const refresh = useRefreshStudy();
  const [front, setFront] = useState(card.front);
  const [back, setBack] = useState(card.back);
  const [tags, setTags] = useState(card.tags.join(" "));
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH("/api/v1/study/cards/{card_id}", {
          params: { path: { card_id: card.id } },
          body: { front, back, tags: tags.split(/\s+/).filter(Boolean) },
        }),
      ),
    onSuccess: () => {
      refresh();
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <li className="py-3">
      <form onSubmit={submit} className="flex flex-col gap-3" aria-label="Edit card">
        <CardSides front={front} back={back} setFront={setFront} setBack={setBack} error={save.error} />
        <TextField label="Tags (optional)" field="tags" error={save.error} value={tags} onChange={(e) => setTags(e.target.value)} />
        <FormError error={save.error} fields={["front", "back", "tags"]} />
        <div className="flex gap-2">
          <Button type="submit" busy={save.isPending}>
            Save card
          </Button>
          <Button variant="secondary" onClick={onDone}>
            Cancel
          </Button>
        </div>
      </form>
    </li>
  );
}

function short(text: string): string {
  const line = text.split("\n")[0]!.trim();
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}
