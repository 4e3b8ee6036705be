"use client";
/** The journal screen: collections beside the entries of the chosen one (or all you may
 * read), an entry's reading view and editor, search, gratitude and statistics. */
import { useEffect, useState, type FormEvent } from "react";
import { Button, Card, Empty, ErrorNote, Loading, PageHeader, QueryState } from "@/components/ui";
import { useAuth } from "@/lib/auth";
import { todayIn } from "@/lib/days";
import { CollectionList, CollectionTools, LockIcon, UnlockForm } from "./Collections";
import { EntryForm, EntryList, EntryReader } from "./Entries";
import { GratitudeCard } from "./Gratitude";
import { useGrants } from "./grants";
import { useCollections, useEntries, useEntry, useRecentMoods, useSearch, type Entry } from "./queries";
import { StatsCard } from "./Stats";

// The editor keeps the entry it opened: a grant that expires meanwhile must not take the text away.
type View = { kind: "list" } | { kind: "read"; id: string } | { kind: "edit"; entry: Entry } | { kind: "new" };

export function Journal({ initialEntry }: { initialEntry: string | null }) {
  useEffect(() => {
    document.title = "Journal · ReFocused";
  }, []);
  const { user } = useAuth();
  const today = user ? todayIn(user.time_zone) : undefined;
  const grants = useGrants();
  const collections = useCollections();
  const moods = useRecentMoods(today);
  const [selected, setSelected] = useState("all");
  const [view, setView] = useState<View>(initialEntry ? { kind: "read", id: initialEntry } : { kind: "list" });
  const [query, setQuery] = useState("");
  const [searched, setSearched] = useState("");

  const list = collections.data ?? [];
  const collection = list.find((c) => c.id === selected) ?? null;
  const locked = !!collection?.protected && !grants.has(collection.id);
  const entries = useEntries(collection, !!collections.data && !locked);
  const loaded = entries.data?.pages.flatMap((p) => p.items) ?? [];
  const total = entries.data?.pages[0]?.total;
  const collectionOf = (id: string) => {
    const e = loaded.find((i) => i.id === id);
    return e ? e.collection_id : undefined;
  };
  const openId = view.kind === "read" ? view.id : null;
  const entry = useEntry(openId, collectionOf);
  const search = useSearch(searched);
  const lockedCount = list.filter((c) => c.protected && !grants.has(c.id)).length;

  // A selected collection that was deleted falls back to all entries.
  useEffect(() => {
    if (collections.data && selected !== "all" && !collection) setSelected("all");
  }, [collections.data, selected, collection]);

  function select(id: string) {
    setSelected(id);
    setView({ kind: "list" });
    setSearched("");
  }
  function open(e: Entry) {
    setView({ kind: "read", id: e.id });
  }
  function submitSearch(e: FormEvent) {
    e.preventDefault();
    setSearched(query.trim());
    setView({ kind: "list" });
  }

  if (collections.isPending) return <Loading label="Loading your journal" />;
  if (collections.error) return <ErrorNote error={collections.error} />;

  const moodList = moods.data ?? [];
  let main;
  if (view.kind === "new" || view.kind === "edit") {
    const editing = view.kind === "edit" ? view.entry : null;
    main = (
      <EntryForm
        key={editing ? editing.id : "new"}
        entry={editing}
        collections={list}
        defaultCollection={collection && !locked ? collection.id : undefined}
        moods={moodList}
        onSaved={(saved) => setView({ kind: "read", id: saved.id })}
        onCancel={() => setView(editing ? { kind: "read", id: editing.id } : { kind: "list" })}
      />
    );
  } else if (view.kind === "read") {
    main = entry.data ? (
      <EntryReader
        entry={entry.data}
        collection={list.find((c) => c.id === entry.data.collection_id)}
        moods={moodList}
        onEdit={() => setView({ kind: "edit", entry: entry.data })}
        onBack={() => setView({ kind: "list" })}
      />
    ) : (
      <Card>
        <QueryState query={entry} label="Opening the entry">{() => null}</QueryState>
        <Button variant="ghost" onClick={() => setView({ kind: "list" })}>
          ← Back to entries
        </Button>
      </Card>
    );
  } else if (searched) {
    main = (
      <Card
        title={`Search results for “${searched}”`}
        action={
          <Button variant="ghost" onClick={() => { setSearched(""); setQuery(""); }}>
            Clear search
          </Button>
        }
      >
        <QueryState query={search} label="Searching">
          {() => (
            <>
              <p className="mb-2 text-sm text-muted" role="status">
                {search.data!.total} {search.data!.total === 1 ? "entry" : "entries"} found
                {lockedCount ? `; ${lockedCount} locked ${lockedCount === 1 ? "collection was" : "collections were"} not searched` : ""}.
              </p>
              <EntryList entries={search.data!.items} onOpen={open} empty="No entry contains that." />
            </>
          )}
        </QueryState>
      </Card>
    );
  } else {
    main = (
      <Card title={collection ? collection.name : "All entries"}>
        {collection && (
          <div className="mb-4">
            <CollectionTools
              key={collection.id}
              collection={collection}
              entries={locked ? undefined : total}
              onDeleted={() => select("all")}
            />
          </div>
        )}
        {list.length === 0 ? (
          <Empty>Create a collection first, then write your first entry in it.</Empty>
        ) : locked && collection ? (
          <UnlockForm collection={collection} />
        ) : (
          <QueryState query={entries} label="Loading entries">
            {() => (
              <>
                {!collection && lockedCount > 0 && (
                  <p className="mb-2 flex items-center gap-1 text-sm text-muted">
                    <LockIcon />
                    {lockedCount} locked {lockedCount === 1 ? "collection is" : "collections are"} not shown. Choose one to unlock it.
                  </p>
                )}
                <EntryList entries={loaded} onOpen={open} empty="No entries here yet." />
                {entries.hasNextPage && (
                  <div className="mt-3 flex items-center gap-3">
                    <Button variant="secondary" busy={entries.isFetchingNextPage} onClick={() => void entries.fetchNextPage()}>
                      Show older entries
                    </Button>
                    <span className="text-sm text-muted">
                      {loaded.length} of {total}
                    </span>
                  </div>
                )}
              </>
            )}
          </QueryState>
        )}
      </Card>
    );
  }

  const canWrite = list.some((c) => !c.protected || grants.has(c.id));
  return (
    <>
      <PageHeader title="Journal">
        <Button onClick={() => setView({ kind: "new" })} disabled={!canWrite}>
          New entry
        </Button>
      </PageHeader>
      <form role="search" onSubmit={submitSearch} className="mb-4 flex items-end gap-2">
        <div className="flex flex-1 flex-col gap-1">
          <label htmlFor="journal-search" className="text-sm font-medium text-ink">
            Search the journal
          </label>
          <input
            id="journal-search"
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            maxLength={200}
            className="min-h-10 rounded-lg border border-stone-300 bg-white px-3 py-2 text-base text-ink"
          />
        </div>
        <Button type="submit" variant="secondary" disabled={!query.trim()}>
          Search
        </Button>
      </form>
      <div className="grid gap-4 md:grid-cols-[16rem_minmax(0,1fr)]">
        <div className="flex flex-col gap-4">
          <CollectionList collections={list} selected={selected} onSelect={select} />
        </div>
        <div className="flex min-w-0 flex-col gap-4">{main}</div>
      </div>
      <div className="mt-4 grid gap-4 md:grid-cols-2">
        <GratitudeCard />
        <StatsCard />
      </div>
    </>
  );
}
