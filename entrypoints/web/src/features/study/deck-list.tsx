"use client";
/** The study home: the user's decks with what is due in each, a form for a new deck, and the
 * study settings. */
import Link from "next/link";
import { useEffect, useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { Button, Card, Empty, ErrorNote, FormError, PageHeader, QueryState, TextField } from "@/components/ui";
import { dueNow, plural, useDecks, useProgress, useQueue, useRefreshStudy, type Deck } from "./api";
import { SettingsCard } from "./settings-card";

export function DeckList() {
  useEffect(() => {
    document.title = "Study · ReFocused";
  }, []);
  const decks = useDecks();
  return (
    <>
      <PageHeader title="Study" />
      <div className="grid gap-4 lg:grid-cols-[2fr_1fr]">
        <div className="flex flex-col gap-4">
          <Card title="Your decks">
            <QueryState query={decks} label="Loading your decks">
              {() =>
                decks.data!.length === 0 ? (
                  <Empty>No decks yet. Create one below, then add cards or import them from Anki.</Empty>
                ) : (
                  <ul className="flex flex-col gap-3">
                    {decks.data!.map((deck) => (
                      <DeckRow key={deck.id} deck={deck} />
                    ))}
                  </ul>
                )
              }
            </QueryState>
          </Card>
          <NewDeck />
        </div>
        <SettingsCard />
      </div>
    </>
  );
}

function DeckRow({ deck }: { deck: Deck }) {
  const queue = useQueue(deck.id);
  const progress = useProgress(deck.id);
  const due = dueNow(queue.data);
  return (
    <li className="rounded-xl border border-stone-200 p-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h3 className="text-base font-semibold">
            <Link href={`/study/?deck=${deck.id}`} className="text-brand-800 underline-offset-2 hover:underline">
              {deck.name}
            </Link>
          </h3>
          {deck.description && <p className="mt-1 text-sm text-muted">{deck.description}</p>}
          <p className="mt-2 text-sm" aria-live="polite">
            {due === undefined ? (
              <span className="text-muted">Counting due cards…</span>
            ) : (
              <>
                <strong className="text-brand-800">{due}</strong> due now
                {queue.data && due > 0 && (
                  <span className="text-muted">
                    {" "}
                    ({plural(queue.data.reviews.length, "review")}, {queue.data.new.length} new)
                  </span>
                )}
              </>
            )}
            {progress.data && (
              <span className="text-muted">
                {" "}
                · {plural(progress.data.total, "card")} · {progress.data.due_next_7_days} due in the next 7 days
              </span>
            )}
          </p>
          <ErrorNote error={queue.error ?? progress.error} className="mt-2" />
        </div>
        {due !== undefined && due > 0 && (
          <Link
            href={`/study/?deck=${deck.id}&review=1`}
            className="inline-flex min-h-10 items-center rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800"
          >
            Study {deck.name}
          </Link>
        )}
      </div>
    </li>
  );
}

function NewDeck() {
  const refresh = useRefreshStudy();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [created, setCreated] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/study/decks", { body: { name: name.trim(), description: description.trim() } })),
    onSuccess: (deck) => {
      setCreated(deck.name);
      setName("");
      setDescription("");
      refresh();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setCreated(null);
    create.mutate();
  };
  return (
    <Card title="New deck">
      <form onSubmit={submit} className="flex flex-col gap-3">
        <TextField label="Deck name" field="name" error={create.error} value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        <TextField
          label="Description (optional)"
          field="description"
          error={create.error}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          maxLength={1000}
        />
        <FormError error={create.error} fields={["name", "description"]} />
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" busy={create.isPending}>
            Create deck
          </Button>
          <p role="status" className="text-sm text-brand-800">
            {created && `Deck “${created}” created.`}
          </p>
        </div>
      </form>
    </Card>
  );
}
