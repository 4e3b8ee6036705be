"use client";
/** Collections: the list (protected ones say whether they are locked), creating one (with a
 * password or not), and the tools of the chosen one: unlock, lock, rename, password, delete. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import { api, unwrap } from "@/api/client";
import { Button, Card, Empty, ErrorNote, TextField, cx } from "@/components/ui";
import { forgetGrant, grantHeaders, hasGrant, keepGrant, useGrants } from "./grants";
import { COLLECTIONS, otherError, useInvalidateJournal, type Collection } from "./queries";

/** A padlock drawn in SVG (emoji fonts are not everywhere); its meaning is always in words too. */
export function LockIcon({ open = false }: { open?: boolean }) {
  return (
    <svg aria-hidden viewBox="0 0 16 16" className="size-4 shrink-0" fill="none" stroke="currentColor" strokeWidth="1.6">
      <rect x="3" y="7" width="10" height="7" rx="1.5" />
      <path d={open ? "M5 7V5a3 3 0 0 1 5.8-1" : "M5 7V5a3 3 0 0 1 6 0v2"} />
    </svg>
  );
}

export function lockLabel(c: Collection, unlocked: boolean): string {
  if (!c.protected) return "";
  return unlocked ? "Protected · unlocked" : "Protected · locked";
}

export function CollectionList({
  collections,
  selected,
  onSelect,
}: {
  collections: Collection[];
  selected: string;
  onSelect: (id: string) => void;
}) {
  const grants = useGrants();
  const invalidate = useInvalidateJournal();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [protect, setProtect] = useState(false);
  const [password, setPassword] = useState("");
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/journal/collections", {
          body: { name, password: protect ? password : null },
        }),
      ),
    onSuccess: (c) => {
      queryClient.setQueryData<Collection[]>(COLLECTIONS, (old) => [...(old ?? []), c]);
      invalidate();
      setName("");
      setPassword("");
      setProtect(false);
      onSelect(c.id);
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }
  const item = (id: string, label: string, note?: string, icon?: ReactNode) => (
    <li key={id}>
      <button
        type="button"
        onClick={() => onSelect(id)}
        aria-current={selected === id ? "true" : undefined}
        className={cx(
          "flex w-full flex-col rounded-lg px-3 py-2 text-left text-sm",
          selected === id ? "bg-brand-50 font-medium text-brand-800" : "text-ink hover:bg-stone-50",
        )}
      >
        <span className="flex items-center gap-2">
          {icon}
          {label}
        </span>
        {note && <span className="text-xs font-normal text-muted">{note}</span>}
      </button>
    </li>
  );
  return (
    <Card title="Collections">
      {collections.length === 0 ? (
        <Empty>No collections yet. Create one to start writing.</Empty>
      ) : (
        <ul className="flex flex-col gap-1" aria-label="Collections">
          {item("all", "All entries")}
          {collections.map((c) =>
            item(c.id, c.name, lockLabel(c, grants.has(c.id)) || undefined, c.protected ? <LockIcon open={grants.has(c.id)} /> : undefined),
          )}
        </ul>
      )}
      <form onSubmit={submit} className="mt-4 flex flex-col gap-2 border-t border-stone-200 pt-4">
        <TextField label="New collection" field="name" error={create.error} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required />
        <label className="flex items-center gap-2 text-sm text-ink">
          <input type="checkbox" checked={protect} onChange={(e) => setProtect(e.target.checked)} className="size-4" />
          Protect with a password
        </label>
        {protect && (
          <TextField
            label="Collection password"
            type="password"
            autoComplete="new-password"
            field="password"
            error={create.error}
            hint="At least 8 characters. It cannot be recovered if you forget it."
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        )}
        <ErrorNote error={otherError(create.error, ["name", "password"])} />
        <Button type="submit" variant="secondary" busy={create.isPending}>
          Create collection
        </Button>
      </form>
    </Card>
  );
}

/** Asks for a protected collection's password; the grant is kept in memory only. */
export function UnlockForm({ collection }: { collection: Collection }) {
  const [password, setPassword] = useState("");
  const unlock = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/journal/collections/{collection_id}/unlock", {
          params: { path: { collection_id: collection.id } },
          body: { password },
        }),
      ),
    onSuccess: (g) => {
      keepGrant(g.collection_id, g.grant, g.expires_in);
      setPassword("");
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        unlock.mutate();
      }}
      className="flex flex-col gap-3"
    >
      <p className="text-sm text-ink">
        <span className="mr-1 inline-block align-[-2px]"><LockIcon /></span>“{collection.name}” is locked. Its entries stay hidden until you give its password. It locks
        again by itself after 5 minutes.
      </p>
      <TextField
        label={`Password for ${collection.name}`}
        type="password"
        autoComplete="current-password"
        field="password"
        error={unlock.error}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        required
      />
      <ErrorNote error={otherError(unlock.error, ["password"])} />
      <div>
        <Button type="submit" busy={unlock.isPending}>
          Unlock
        </Button>
      </div>
    </form>
  );
}

type Tool = null | "rename" | "password" | "delete";

export function CollectionTools({ collection, entries, onDeleted }: { collection: Collection; entries: number | undefined; onDeleted: () => void }) {
  const grants = useGrants();
  const unlocked = grants.has(collection.id);
  const queryClient = useQueryClient();
  const invalidate = useInvalidateJournal();
  const [tool, setTool] = useState<Tool>(null);
  const [name, setName] = useState(collection.name);
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");

  const lock = useMutation({
    mutationFn: () =>
      unwrap(api.POST("/api/v1/journal/lock", { headers: grantHeaders([collection.id]) })),
    onSettled: () => {
      forgetGrant(collection.id);
      queryClient.removeQueries({ queryKey: ["journal", "entry"] });
      invalidate();
    },
  });
  const rename = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH("/api/v1/journal/collections/{collection_id}", {
          params: { path: { collection_id: collection.id } },
          body: { name },
        }),
      ),
    onSuccess: () => {
      setTool(null);
      invalidate();
    },
  });
  const password = useMutation({
    mutationFn: (newPassword: string | null) =>
      unwrap(
        api.PUT("/api/v1/journal/collections/{collection_id}/password", {
          params: { path: { collection_id: collection.id } },
          body: { current_password: collection.protected ? current : null, new_password: newPassword },
        }),
      ),
    onSuccess: () => {
      // Grants issued before a password change stop working.
      forgetGrant(collection.id);
      setTool(null);
      setCurrent("");
      setNext("");
      invalidate();
    },
  });
  const remove = useMutation({
    mutationFn: () =>
      unwrap(
        api.DELETE("/api/v1/journal/collections/{collection_id}", {
          params: { path: { collection_id: collection.id } },
          headers: grantHeaders([collection.id]),
        }),
      ),
    onSuccess: () => {
      forgetGrant(collection.id);
      queryClient.setQueryData<Collection[]>(COLLECTIONS, (old) => old?.filter((c) => c.id !== collection.id));
      invalidate();
      onDeleted();
    },
  });

  const open = (t: Tool) => {
    setTool(tool === t ? null : t);
    setName(collection.name);
    rename.reset();
    password.reset();
    remove.reset();
  };

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap gap-2">
        {collection.protected && unlocked && (
          <Button variant="secondary" onClick={() => lock.mutate()} busy={lock.isPending}>
            Lock
          </Button>
        )}
        <Button variant="ghost" aria-expanded={tool === "rename"} onClick={() => open("rename")}>
          Rename
        </Button>
        <Button variant="ghost" aria-expanded={tool === "password"} onClick={() => open("password")}>
          {collection.protected ? "Change password" : "Set password"}
        </Button>
        <Button variant="ghost" aria-expanded={tool === "delete"} onClick={() => open("delete")}>
          Delete collection
        </Button>
      </div>
      <ErrorNote error={lock.error} />
      {tool === "rename" && (
        <form
          className="flex flex-col gap-2 rounded-lg border border-stone-200 p-3"
          onSubmit={(e) => {
            e.preventDefault();
            rename.mutate();
          }}
        >
          <TextField label="Collection name" field="name" error={rename.error} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required />
          <ErrorNote error={otherError(rename.error, ["name"])} />
          <div className="flex gap-2">
            <Button type="submit" busy={rename.isPending}>Save name</Button>
            <Button variant="ghost" onClick={() => setTool(null)}>Cancel</Button>
          </div>
        </form>
      )}
      {tool === "password" && (
        <form
          className="flex flex-col gap-2 rounded-lg border border-stone-200 p-3"
          onSubmit={(e) => {
            e.preventDefault();
            password.mutate(next || null);
          }}
        >
          {collection.protected && (
            <TextField label="Current password" type="password" autoComplete="current-password" field="current_password" error={password.error} value={current} onChange={(e) => setCurrent(e.target.value)} required />
          )}
          <TextField
            label="New password"
            type="password"
            autoComplete="new-password"
            field="new_password"
            error={password.error}
            hint={collection.protected ? "Leave empty and choose “Remove password” to unprotect." : "At least 8 characters."}
            value={next}
            onChange={(e) => setNext(e.target.value)}
            required={!collection.protected}
          />
          <ErrorNote error={otherError(password.error, ["current_password", "new_password"])} />
          <div className="flex flex-wrap gap-2">
            <Button type="submit" busy={password.isPending} disabled={collection.protected && !next}>
              {collection.protected ? "Change password" : "Set password"}
            </Button>
            {collection.protected && (
              <Button variant="secondary" busy={password.isPending} onClick={() => password.mutate(null)} disabled={!current}>
                Remove password
              </Button>
            )}
            <Button variant="ghost" onClick={() => setTool(null)}>Cancel</Button>
          </div>
        </form>
      )}
      {tool === "delete" && (
        <div role="group" aria-label="Confirm deletion" className="flex flex-col gap-2 rounded-lg border border-red-200 bg-red-50 p-3">
          <p className="text-sm text-red-800">
            Delete “{collection.name}”
            {entries != null ? ` and its ${entries} ${entries === 1 ? "entry" : "entries"}` : " and every entry in it"}? This cannot be undone.
            {collection.protected && !hasGrant(collection.id) && " Unlock it first: a protected collection is deleted only while unlocked."}
          </p>
          <ErrorNote error={remove.error} />
          <div className="flex gap-2">
            <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate()}>
              Delete for good
            </Button>
            <Button variant="secondary" onClick={() => setTool(null)}>Keep it</Button>
          </div>
        </div>
      )}
    </div>
  );
}
