"use client";
/** One deck: what is due, its progress, its cards (add, edit, delete, a page at a time), Anki
 * import and export, and renaming or deleting the deck itself. */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { Button, Card, ErrorNote, FormError, Loading, PageHeader, TextField } from "@/components/ui";
import { dueNow, keys, plural, useDeck, useQueue, useRefreshStudy, type Deck } from "./api";
import { CardsSection } from "./cards";
import { ImportExport } from "./import-export";
import { ProgressCard } from "./progress";
import { CardSides } from "./widgets";
import { ConfirmDialog } from "@/components/confirm-dialog";

export function DeckView({ deckId }: { deckId: string }) {
  const deck = useDeck(deckId);
  useEffect(() => {
    document.title = `${deck.data?.name ?? "Deck"} · Study · ReFocused`;
  }, [deck.data?.name]);

  if (deck.isPending) return <Loading label="Loading the deck" />;
  if (deck.error || !deck.data)
    return (
      <>
        <PageHeader title="Deck" />
        <ErrorNote error={deck.error} />
        <BackToDecks />
      </>
    );
  return <DeckScreen deck={deck.data} />;
}

export function BackToDecks() {
  return (
    <Link href="/study/" className="mt-4 inline-block text-sm text-brand-800 underline">
      ← All decks
    </Link>
  );
}

function DeckScreen({ deck }: { deck: Deck }) {
  const queue = useQueue(deck.id);
  const due = dueNow(queue.data);
  const [editing, setEditing] = useState(false);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/study/" className="text-brand-800 underline">
          Study
        </Link>
        <span aria-hidden className="px-1 text-muted">
          /
        </span>
        <span className="text-muted">{deck.name}</span>
      </nav>
      <PageHeader title={deck.name}>
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" onClick={() => setEditing((e) => !e)} aria-expanded={editing}>
            Edit deck
          </Button>
          <DeleteDeck deck={deck} />
        </div>
      </PageHeader>
      {deck.description && !editing && <p className="-mt-4 mb-6 text-sm text-muted">{deck.description}</p>}
      {editing && <EditDeck deck={deck} onDone={() => setEditing(false)} />}

      <div className="grid gap-4 md:grid-cols-2">
        <Card title="Due now">
          {queue.isPending ? (
            <Loading label="Counting due cards" />
          ) : queue.error ? (
            <ErrorNote error={queue.error} />
          ) : (
            <>
              <p className="text-3xl font-semibold text-brand-800" data-testid="due-now">
                {due}
                <span className="sr-only"> cards due now</span>
              </p>
              <p className="text-sm text-muted">
                {plural(queue.data!.reviews.length, "review")} and {queue.data!.new.length} new{" "}
                {queue.data!.new.length === 1 ? "card" : "cards"} · {queue.data!.new_left_today} new left today
              </p>
              {due! > 0 ? (
                <Link
                  href={`/study/?deck=${deck.id}&review=1`}
                  className="mt-3 inline-flex min-h-10 items-center rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800"
                >
                  Start review
                </Link>
              ) : (
                <p className="mt-3 text-sm">Nothing to review now. Well done.</p>
              )}
            </>
          )}
        </Card>
        <ProgressCard deckId={deck.id} />
      </div>
      <div className="mt-4 grid gap-4 md:grid-cols-2">
        <AddCard deckId={deck.id} />
        <ImportExport deck={deck} />
      </div>
      <CardsSection deckId={deck.id} />
    </>
  );
}

function EditDeck({ deck, onDone }: { deck: Deck; onDone: () => void }) {
  const queryClient = useQueryClient();
  const refresh = useRefreshStudy();
  const [name, setName] = useState(deck.name);
  const [description, setDescription] = useState(deck.description);
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH("/api/v1/study/decks/{deck_id}", {
          params: { path: { deck_id: deck.id } },
          body: { name: name.trim(), description: description.trim() },
        }),
      ),
    onSuccess: (data) => {
      queryClient.setQueryData(keys.deck(deck.id), data);
      refresh();
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Card title="Edit deck" className="mb-4">
      <form onSubmit={submit} className="flex flex-col gap-3">
        <TextField label="Deck name" field="name" error={save.error} value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        <TextField
          label="Description (optional)"
          field="description"
          error={save.error}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          maxLength={1000}
        />
        <FormError error={save.error} fields={["name", "description"]} />
        <div className="flex gap-2">
          <Button type="submit" busy={save.isPending}>
            Save deck
          </Button>
          <Button variant="secondary" onClick={onDone}>
            Cancel
          </Button>
        </div>
      </form>
    </Card>
  );
}

function DeleteDeck({ deck }: { deck: Deck }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const refresh = useRefreshStudy();
  const [open, setOpen] = useState(false);
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/study/decks/{deck_id}", { params: { path: { deck_id: deck.id } } })),
    onSuccess: () => {
      queryClient.setQueryData<Deck[]>(keys.decks, (old) => old?.filter((d) => d.id !== deck.id));
      queryClient.removeQueries({ queryKey: keys.deck(deck.id) });
      refresh();
      router.push("/study/");
    },
  });
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete deck
      </Button>
      <ConfirmDialog
        open={open}
        title={`Delete “${deck.name}”?`}
        confirmLabel="Delete deck"
        busy={remove.isPending}
        error={remove.error}
        onCancel={() => {
          setOpen(false);
          remove.reset();
        }}
        onConfirm={() => remove.mutate()}
      >
        Its cards and their review history are deleted too. This cannot be undone.
      </ConfirmDialog>
    </>
  );
}

function AddCard({ deckId }: { deckId: string }) {
  const refresh = useRefreshStudy();
  const [front, setFront] = useState("");
  const [back, setBack] = useState("");
  const [tags, setTags] = useState("");
  const [added, setAdded] = useState(0);
  const add = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/study/cards", {
          body: { deck_id: deckId, front, back, tags: tags.split(/\s+/).filter(Boolean) },
        }),
      ),
    onSuccess: () => {
      setFront("");
      setBack("");
      setAdded((n) => n + 1);
      refresh();
      document.getElementById("new-card-front")?.focus();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  return (
    <Card title="Add a card">
      <form onSubmit={submit} className="flex flex-col gap-3">
        <CardSides front={front} back={back} setFront={setFront} setBack={setBack} error={add.error} frontId="new-card-front" />
        <TextField
          label="Tags (optional)"
          field="tags"
          error={add.error}
          hint="Separated by spaces, as in Anki."
          value={tags}
          onChange={(e) => setTags(e.target.value)}
        />
        <FormError error={add.error} fields={["front", "back", "tags"]} />
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" busy={add.isPending}>
            Add card
          </Button>
          <p role="status" className="text-sm text-brand-800">
            {added > 0 && `${plural(added, "card")} added.`}
          </p>
        </div>
      </form>
    </Card>
  );
}
