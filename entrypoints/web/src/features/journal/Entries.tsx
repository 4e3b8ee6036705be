"use client";
/** Entries: the list (title, day, tags, the first words), the reading view, and the form
 * that writes or edits one with the rich text editor. */
import { useMutation } from "@tanstack/react-query";
import { useRef, useState, type FormEvent } from "react";
import { api, unwrap } from "@/api/client";
import { Button, Card, Empty, ErrorNote, TextField } from "@/components/ui";
import { longDay } from "@/lib/days";
import { plainText, type Delta } from "./delta";
import { UnlockForm } from "./Collections";
import { DeltaView } from "./DeltaView";
import { Editor, type EditorHandle } from "./Editor";
import { grantHeaders, useGrants } from "./grants";
import { otherError, useInvalidateJournal, type Collection, type Entry, type Mood } from "./queries";

function excerpt(entry: Entry): string {
  const text = plainText(entry.content).replace(/\s+/g, " ");
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

export function entryName(entry: Entry): string {
  return entry.title.trim() || `Untitled, ${longDay(entry.written_on)}`;
}

export function EntryList({ entries, onOpen, empty }: { entries: Entry[]; onOpen: (e: Entry) => void; empty: string }) {
  if (entries.length === 0) return <Empty>{empty}</Empty>;
  return (
    <ul className="flex flex-col gap-2">
      {entries.map((e) => (
        <li key={e.id}>
          <button
            type="button"
            onClick={() => onOpen(e)}
            className="flex w-full flex-col gap-1 rounded-lg border border-stone-200 px-3 py-2 text-left hover:bg-stone-50"
          >
            <span className="font-medium text-ink">{entryName(e)}</span>
            <span className="text-xs text-muted">
              {longDay(e.written_on)} · {e.word_count} words{e.tags.length ? ` · ${e.tags.map((t) => `#${t}`).join(" ")}` : ""}
            </span>
            {excerpt(e) && <span className="text-sm text-muted">{excerpt(e)}</span>}
          </button>
        </li>
      ))}
    </ul>
  );
}

function moodLabel(m: Mood): string {
  return `${longDay(m.local_date)}: happiness ${m.happiness}, focus ${m.focus}, stress ${m.stress}`;
}

export function EntryReader({
  entry,
  collection,
  moods,
  onEdit,
  onBack,
}: {
  entry: Entry;
  collection: Collection | undefined;
  moods: Mood[];
  onEdit: () => void;
  onBack: () => void;
}) {
  const invalidate = useInvalidateJournal();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () =>
      unwrap(
        api.DELETE("/api/v1/journal/entries/{entry_id}", {
          params: { path: { entry_id: entry.id } },
          headers: grantHeaders(),
        }),
      ),
    onSuccess: () => {
      invalidate();
      onBack();
    },
  });
  const mood = entry.mood_entry_id ? moods.find((m) => m.id === entry.mood_entry_id) : undefined;
  return (
    <Card>
      <article aria-labelledby={`entry-${entry.id}`} className="flex flex-col gap-3">
        <div>
          <Button variant="ghost" onClick={onBack}>
            ← Back to entries
          </Button>
        </div>
        <h2 id={`entry-${entry.id}`} className="text-xl font-semibold text-ink">
          {entryName(entry)}
        </h2>
        <p className="text-sm text-muted">
          {longDay(entry.written_on)}
          {collection ? ` · ${collection.name}` : ""} · {entry.word_count} words
        </p>
        {entry.tags.length > 0 && (
          <ul aria-label="Tags" className="flex flex-wrap gap-1">
            {entry.tags.map((t) => (
              <li key={t} className="rounded-full bg-brand-50 px-2 py-0.5 text-xs text-brand-800">
                #{t}
              </li>
            ))}
          </ul>
        )}
        {entry.mood_entry_id && (
          <p className="text-sm text-muted">Mood: {mood ? moodLabel(mood) : "linked to a mood entry"}</p>
        )}
        <div data-testid="entry-content">
          <DeltaView content={entry.content} />
        </div>
        <div className="flex flex-wrap gap-2 border-t border-stone-200 pt-3">
          <Button onClick={onEdit}>Edit</Button>
          <Button variant="ghost" aria-expanded={confirming} onClick={() => setConfirming((v) => !v)}>
            Delete entry
          </Button>
        </div>
        {confirming && (
          <div role="group" aria-label="Confirm deletion" className="flex flex-col gap-2 rounded-lg border border-red-200 bg-red-50 p-3">
            <p className="text-sm text-red-800">Delete this entry? This cannot be undone.</p>
            <ErrorNote error={remove.error} />
            <div className="flex gap-2">
              <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate()}>
                Delete for good
              </Button>
              <Button variant="secondary" onClick={() => setConfirming(false)}>
                Keep it
              </Button>
            </div>
          </div>
        )}
      </article>
    </Card>
  );
}

const EMPTY: Delta = { ops: [{ insert: "\n" }] };

function tagsOf(raw: string): string[] {
  return raw
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}

export function EntryForm({
  entry,
  collections,
  defaultCollection,
  moods,
  onSaved,
  onCancel,
}: {
  entry: Entry | null;
  collections: Collection[];
  defaultCollection: string | undefined;
  moods: Mood[];
  onSaved: (e: Entry) => void;
  onCancel: () => void;
}) {
  const grants = useGrants();
  const invalidate = useInvalidateJournal();
  const editor = useRef<EditorHandle>(null);
  const [ready, setReady] = useState(false);
  const [title, setTitle] = useState(entry?.title ?? "");
  const [tags, setTags] = useState(entry?.tags.join(", ") ?? "");
  const writable = collections.filter((c) => !c.protected || grants.has(c.id));
  const [collectionId, setCollectionId] = useState(entry?.collection_id ?? defaultCollection ?? writable[0]?.id ?? "");
  const [moodId, setMoodId] = useState(entry?.mood_entry_id ?? "");
  const target = collections.find((c) => c.id === collectionId);
  const [initial] = useState<Delta>(() => (entry ? (entry.content as unknown as Delta) : EMPTY));

  const save = useMutation({
    mutationFn: () => {
      const content = editor.current!.value() as unknown as Record<string, never>;
      const mood = moodId || null;
      if (!entry) {
        return unwrap(
          api.POST("/api/v1/journal/entries", {
            body: { collection_id: collectionId, title, content, tags: tagsOf(tags), mood_entry_id: mood },
            headers: grantHeaders(),
          }),
        );
      }
      return unwrap(
        api.PATCH("/api/v1/journal/entries/{entry_id}", {
          params: { path: { entry_id: entry.id } },
          body: {
            title,
            content,
            tags: tagsOf(tags),
            mood_entry_id: mood,
            ...(collectionId !== entry.collection_id ? { collection_id: collectionId } : {}),
          },
          headers: grantHeaders(),
        }),
      );
    },
    onSuccess: (saved) => {
      invalidate();
      onSaved(saved);
    },
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!editor.current?.ready()) return;
    save.mutate();
  }

  const selectClass = "min-h-10 rounded-lg border border-stone-300 bg-white px-3 py-2 text-base text-ink";
  return (
    <Card title={entry ? "Edit entry" : "New entry"}>
      <form onSubmit={submit} className="flex flex-col gap-3">
        <TextField label="Title" field="title" error={save.error} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} />
        <div className="grid gap-3 sm:grid-cols-2">
          <div className="flex flex-col gap-1">
            <label htmlFor="entry-collection" className="text-sm font-medium text-ink">
              Collection
            </label>
            <select id="entry-collection" className={selectClass} value={collectionId} onChange={(e) => setCollectionId(e.target.value)} required>
              {collections.map((c) => (
                <option key={c.id} value={c.id} disabled={c.protected && !grants.has(c.id)}>
                  {c.name}
                  {c.protected && !grants.has(c.id) ? " (locked)" : ""}
                </option>
              ))}
            </select>
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor="entry-mood" className="text-sm font-medium text-ink">
              Mood (optional)
            </label>
            <select id="entry-mood" className={selectClass} value={moodId} onChange={(e) => setMoodId(e.target.value)}>
              <option value="">No mood linked</option>
              {entry?.mood_entry_id && !moods.some((m) => m.id === entry.mood_entry_id) && (
                <option value={entry.mood_entry_id}>The mood entry linked before</option>
              )}
              {moods.map((m) => (
                <option key={m.id} value={m.id}>
                  {moodLabel(m)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <TextField label="Tags" field="tags" error={save.error} hint="Separate tags with commas." value={tags} onChange={(e) => setTags(e.target.value)} />
        <Editor ref={editor} initial={initial} label="Entry text" onReady={() => setReady(true)} />
        <ErrorNote error={otherError(save.error, ["title", "tags"])} />
        <div className="flex gap-2">
          <Button type="submit" busy={save.isPending} disabled={!ready || !collectionId}>
            Save entry
          </Button>
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        </div>
      </form>
      {target?.protected && !grants.has(target.id) && save.error ? (
        <div className="mt-3 rounded-lg border border-stone-200 p-3">
          <UnlockForm collection={target} />
        </div>
      ) : null}
    </Card>
  );
}
