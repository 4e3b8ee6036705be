"use client";
/** Goals: two-week and long-term goals of three kinds (a percentage, a counter towards a
 * target, a checklist), their progress, items, completion, history, and deletion. */
import { InlineConfirm } from "@/components/confirm-dialog";
import { useEffect, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { ApiError } from "@/api/problem";
import type { components } from "@/api/schema";
import { Button, Card, Empty, ErrorNote, PageHeader, QueryState, TextField, cx } from "@/components/ui";
import { longDay } from "@/lib/days";

type Goal = components["schemas"]["GoalRead"];
type GoalCreate = components["schemas"]["GoalCreate"];

const KIND_LABEL: Record<string, string> = { percentage: "Percentage", counter: "Counter", checklist: "Checklist" };
const HORIZON_LABEL: Record<string, string> = { two_week: "Two weeks", long_term: "Long term" };
const EVENT_LABEL: Record<string, string> = {
  created: "Created",
  edited: "Edited",
  progress: "Progress",
  completed: "Completed",
  reopened: "Reopened",
  item_added: "Item added",
  item_removed: "Item removed",
  item_done: "Item checked",
  item_undone: "Item unchecked",
};

function invalidate(queryClient: QueryClient) {
  void queryClient.invalidateQueries({ queryKey: ["goals"] });
  void queryClient.invalidateQueries({ queryKey: ["dashboard"] });
  void queryClient.invalidateQueries({ queryKey: ["calendar"] });
}

export function GoalsScreen() {
  const [creating, setCreating] = useState(false);
  useEffect(() => {
    document.title = "Goals · ReFocused";
  }, []);
  const active = useQuery({ queryKey: ["goals", "active"], queryFn: () => unwrap(api.GET("/api/v1/goals", { params: { query: { status: "active" } } })) });
  const done = useQuery({ queryKey: ["goals", "completed"], queryFn: () => unwrap(api.GET("/api/v1/goals", { params: { query: { status: "completed" } } })) });

  return (
    <>
      <PageHeader title="Goals">{!creating && <Button onClick={() => setCreating(true)}>New goal</Button>}</PageHeader>
      {creating && (
        <Card title="New goal" className="mb-6">
          <GoalForm onDone={() => setCreating(false)} />
        </Card>
      )}
      <h2 className="mb-3 text-lg font-semibold text-ink">Active</h2>
      <QueryState query={active} label="Loading your goals">
        {() =>
          active.data!.length === 0 ? (
            <Empty>No active goals. Set one for the next two weeks.</Empty>
          ) : (
            <ul className="grid gap-4 md:grid-cols-2">
              {active.data!.map((g) => (
                <GoalCard key={g.id} goal={g} />
              ))}
            </ul>
          )
        }
      </QueryState>
      <h2 className="mb-3 mt-8 text-lg font-semibold text-ink">Completed</h2>
      <QueryState query={done} label="Loading completed goals">
        {() =>
          done.data!.length === 0 ? (
            <Empty>Goals you complete are kept here.</Empty>
          ) : (
            <ul className="grid gap-4 md:grid-cols-2">
              {done.data!.map((g) => (
                <GoalCard key={g.id} goal={g} />
              ))}
            </ul>
          )
        }
      </QueryState>
    </>
  );
}

function GoalForm({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const [horizon, setHorizon] = useState<GoalCreate["horizon"]>("two_week");
  const [kind, setKind] = useState<GoalCreate["kind"]>("percentage");
  const create = useMutation({
    mutationFn: (body: GoalCreate) => unwrap(api.POST("/api/v1/goals", { body })),
    onSuccess: () => {
      invalidate(queryClient);
      onDone();
    },
  });
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const body: GoalCreate = { title: String(f.get("title") ?? "").trim(), horizon, kind, description: String(f.get("description") ?? "") };
    if (kind === "counter") body.target = Number(f.get("target"));
    if (kind === "checklist") {
      body.items = String(f.get("items") ?? "")
        .split("\n")
        .map((s) => s.trim())
        .filter(Boolean);
    }
    if (horizon === "long_term" && f.get("due_date")) body.due_date = String(f.get("due_date"));
    create.mutate(body);
  }
  const err = create.error;
  const inField = err instanceof ApiError && ["title", "target", "due_date", "items", "description"].some((k) => err.fieldMessage(k));
  return (
    <form onSubmit={submit} aria-label="New goal" className="flex flex-col gap-4">
      <TextField label="Title" name="title" field="title" error={err} required maxLength={120} autoComplete="off" />
      <TextField label="Description (optional)" name="description" field="description" error={err} />
      <fieldset>
        <legend className="mb-1 text-sm font-medium text-ink">Horizon</legend>
        <div className="flex flex-wrap gap-4">
          {(["two_week", "long_term"] as const).map((h) => (
            <label key={h} className="flex items-center gap-2 text-sm">
              <input type="radio" name="horizon" checked={horizon === h} onChange={() => setHorizon(h)} className="size-4 accent-brand-700" />
              {HORIZON_LABEL[h]}
            </label>
          ))}
        </div>
        <p className="mt-1 text-xs text-muted">{horizon === "two_week" ? "Due 13 days from today." : "Choose a due date, or leave it open."}</p>
      </fieldset>
      <fieldset>
        <legend className="mb-1 text-sm font-medium text-ink">Kind</legend>
        <div className="flex flex-wrap gap-4">
          {(["percentage", "counter", "checklist"] as const).map((k) => (
            <label key={k} className="flex items-center gap-2 text-sm">
              <input type="radio" name="kind" checked={kind === k} onChange={() => setKind(k)} className="size-4 accent-brand-700" />
              {KIND_LABEL[k]}
            </label>
          ))}
        </div>
      </fieldset>
      {kind === "counter" && <TextField label="Target" name="target" field="target" error={err} type="number" min={1} required inputMode="numeric" />}
      {kind === "checklist" && (
        <div className="flex flex-col gap-1">
          <label htmlFor="goal-items" className="text-sm font-medium text-ink">
            Items, one a line
          </label>
          <textarea id="goal-items" name="items" rows={3} className="rounded-lg border border-stone-300 bg-white px-3 py-2 text-base" />
        </div>
      )}
      {horizon === "long_term" && <TextField label="Due date (optional)" name="due_date" field="due_date" error={err} type="date" />}
      {!inField && <ErrorNote error={err} />}
      <div className="flex gap-2">
        <Button type="submit" busy={create.isPending}>
          Create goal
        </Button>
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function GoalCard({ goal }: { goal: Goal }) {
  const queryClient = useQueryClient();
  const [showHistory, setShowHistory] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);
  const path = { params: { path: { goal_id: goal.id } } };
  const onSuccess = () => invalidate(queryClient);
  const edit = useMutation({
    mutationFn: (body: components["schemas"]["GoalUpdate"]) => unwrap(api.PATCH("/api/v1/goals/{goal_id}", { ...path, body })),
    onSuccess: () => {
      onSuccess();
      setEditing(false);
    },
  });
  function submitEdit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const body: components["schemas"]["GoalUpdate"] = { title: String(f.get("title") ?? "").trim(), description: String(f.get("description") ?? "") };
    if (goal.kind === "counter") body.target = Number(f.get("target"));
    if (goal.horizon === "long_term") body.due_date = f.get("due_date") ? String(f.get("due_date")) : null;
    edit.mutate(body);
  }
  const progress = useMutation({ mutationFn: (body: { value?: number; delta?: number }) => unwrap(api.POST("/api/v1/goals/{goal_id}/progress", { ...path, body })), onSuccess });
  const complete = useMutation({
    mutationFn: () => unwrap(goal.status === "completed" ? api.POST("/api/v1/goals/{goal_id}/reopen", path) : api.POST("/api/v1/goals/{goal_id}/complete", path)),
    onSuccess,
  });
  const remove = useMutation({ mutationFn: () => unwrap(api.DELETE("/api/v1/goals/{goal_id}", path)), onSuccess });
  const addItem = useMutation({ mutationFn: (text: string) => unwrap(api.POST("/api/v1/goals/{goal_id}/items", { ...path, body: { text } })), onSuccess });
  const toggleItem = useMutation({
    mutationFn: ({ id, done }: { id: string; done: boolean }) => unwrap(api.PATCH("/api/v1/goals/{goal_id}/items/{item_id}", { params: { path: { goal_id: goal.id, item_id: id } }, body: { done } })),
    // A tick shows at once, and goes back if the API refuses it.
    onMutate: async ({ id, done }) => {
      await queryClient.cancelQueries({ queryKey: ["goals"] });
      const lists = queryClient.getQueriesData<Goal[]>({ queryKey: ["goals"] }).filter(([, data]) => Array.isArray(data));
      for (const [key, data] of lists) {
        queryClient.setQueryData<Goal[]>(
          key,
          data!.map((g) => (g.id === goal.id ? { ...g, items: g.items.map((i) => (i.id === id ? { ...i, done } : i)) } : g)),
        );
      }
      return { lists };
    },
    onError: (_e, _v, ctx) => ctx?.lists.forEach(([key, data]) => queryClient.setQueryData(key, data)),
    onSettled: onSuccess,
  });
  const removeItem = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/goals/{goal_id}/items/{item_id}", { params: { path: { goal_id: goal.id, item_id: id } } })),
    onSuccess,
  });
  const completed = goal.status === "completed";
  const headingId = `goal-${goal.id}`;

  function setValue(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const value = Number(new FormData(e.currentTarget).get("value"));
    progress.mutate({ value });
  }
  function submitItem(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const text = String(new FormData(form).get("text") ?? "").trim();
    if (text) addItem.mutate(text, { onSuccess: () => form.reset() });
  }

  if (editing) {
    return (
      <li aria-labelledby={headingId} className="flex flex-col gap-3 rounded-2xl border border-brand-200 bg-white p-5 shadow-sm">
        <h3 id={headingId} className="text-base font-semibold text-ink">
          Edit “{goal.title}”
        </h3>
        <form onSubmit={submitEdit} aria-label={`Edit ${goal.title}`} className="flex flex-col gap-3">
          <TextField label="Title" name="title" field="title" error={edit.error} defaultValue={goal.title} required maxLength={120} />
          <TextField label="Description (optional)" name="description" field="description" error={edit.error} defaultValue={goal.description} />
          {goal.kind === "counter" && <TextField label="Target" name="target" field="target" error={edit.error} type="number" min={1} defaultValue={goal.target} required />}
          {goal.horizon === "long_term" && <TextField label="Due date (optional)" name="due_date" field="due_date" error={edit.error} type="date" defaultValue={goal.due_date ?? ""} />}
          <ErrorNote error={edit.error instanceof ApiError && ["title", "description", "target", "due_date"].some((k) => (edit.error as ApiError).fieldMessage(k)) ? null : edit.error} />
          <div className="flex gap-2">
            <Button type="submit" busy={edit.isPending}>
              Save goal
            </Button>
            <Button variant="secondary" onClick={() => setEditing(false)}>
              Cancel
            </Button>
          </div>
        </form>
      </li>
    );
  }

  return (
    <li aria-labelledby={headingId} className="flex flex-col gap-3 rounded-2xl border border-stone-200 bg-white p-5 shadow-sm">
      <div>
        <h3 id={headingId} className="text-base font-semibold text-ink">
          {goal.title}
        </h3>
        <p className="text-xs text-muted">
          {HORIZON_LABEL[goal.horizon]} · {KIND_LABEL[goal.kind]}
          {goal.due_date ? ` · due ${longDay(goal.due_date)}` : ""}
          {goal.status === "overdue" ? " · overdue" : ""}
          {completed ? " · completed" : ""}
        </p>
        {goal.description && <p className="mt-1 text-sm">{goal.description}</p>}
      </div>
      <div>
        <div className="flex justify-between text-sm">
          <span>{goal.kind === "percentage" ? `${goal.progress}%` : `${goal.progress} of ${goal.target}`}</span>
          <span className="text-muted">{Math.round(goal.percent)}% done</span>
        </div>
        <div role="progressbar" aria-label={`${goal.title} progress`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(goal.percent)} className="mt-1 h-2 overflow-hidden rounded-full bg-stone-200">
          <div className={cx("h-full", completed ? "bg-brand-500" : "bg-brand-700")} style={{ width: `${goal.percent}%` }} />
        </div>
      </div>

      {!completed && goal.kind !== "checklist" && (
        <form onSubmit={setValue} className="flex flex-wrap items-end gap-2">
          <TextField
            label={goal.kind === "percentage" ? "Progress (%)" : "Count"}
            name="value"
            type="number"
            min={0}
            max={goal.kind === "percentage" ? 100 : goal.target}
            defaultValue={goal.progress}
            key={goal.progress}
            field="value"
            error={progress.error}
            className="w-32"
          />
          <Button type="submit" variant="secondary" busy={progress.isPending && progress.variables?.value !== undefined}>
            Update
          </Button>
          {goal.kind === "counter" && (
            <Button variant="secondary" onClick={() => progress.mutate({ delta: 1 })} aria-label={`Add 1 to ${goal.title}`}>
              Add 1
            </Button>
          )}
        </form>
      )}
      {goal.kind === "checklist" && (
        <div className="flex flex-col gap-2">
          <ul className="flex flex-col gap-1">
            {goal.items.map((item) => (
              <li key={item.id} className="flex items-center justify-between gap-2 text-sm">
                <label className="flex items-center gap-2">
                  <input type="checkbox" checked={item.done} onChange={(e) => toggleItem.mutate({ id: item.id, done: e.target.checked })} className="size-4 accent-brand-700" />
                  <span className={item.done ? "line-through" : ""}>{item.text}</span>
                </label>
                <Button variant="ghost" className="min-h-8 px-2 py-1" onClick={() => removeItem.mutate(item.id)} aria-label={`Remove ${item.text}`}>
                  Remove
                </Button>
              </li>
            ))}
          </ul>
          <form onSubmit={submitItem} className="flex items-end gap-2">
            <TextField label="New item" name="text" field="text" error={addItem.error} maxLength={200} className="flex-1" />
            <Button type="submit" variant="secondary" busy={addItem.isPending}>
              Add item
            </Button>
          </form>
          <ErrorNote error={toggleItem.error || removeItem.error} />
        </div>
      )}
      <ErrorNote error={progress.error instanceof ApiError && progress.error.fieldMessage("value") ? null : progress.error} />

      <div className="flex flex-wrap gap-2 border-t border-stone-200 pt-3">
        <Button variant={completed ? "secondary" : "primary"} busy={complete.isPending} onClick={() => complete.mutate()}>
          {completed ? "Reopen" : "Mark complete"}
        </Button>
        <Button variant="secondary" aria-expanded={showHistory} onClick={() => setShowHistory((s) => !s)}>
          History
        </Button>
        {!completed && (
          <Button variant="secondary" onClick={() => setEditing(true)}>
            Edit
          </Button>
        )}
        <Button variant="secondary" onClick={() => setConfirming(true)}>
          Delete…
        </Button>
      </div>
      <ErrorNote error={complete.error} />
      {confirming && (
        <InlineConfirm
          label={`Confirm deleting ${goal.title}`}
          confirmLabel="Delete goal"
          busy={remove.isPending}
          error={remove.error}
          onConfirm={() => remove.mutate()}
          onCancel={() => setConfirming(false)}
        >
          Delete “{goal.title}” with its items and history?
        </InlineConfirm>
      )}
      {showHistory && <History goalId={goal.id} title={goal.title} updatedAt={goal.updated_at} />}
    </li>
  );
}

function History({ goalId, title, updatedAt }: { goalId: string; title: string; updatedAt: string }) {
  const history = useQuery({
    queryKey: ["goals", "history", goalId, updatedAt],
    queryFn: () => unwrap(api.GET("/api/v1/goals/{goal_id}/history", { params: { path: { goal_id: goalId } } })),
  });
  return (
    <section aria-label={`History of ${title}`}>
      <QueryState query={history} label="Loading the history">
        {() => (
          <ol className="flex flex-col gap-1 text-sm">
            {history.data!.map((e) => (
              <li key={e.id}>
                <span className="text-muted">{longDay(e.local_date)}: </span>
                {EVENT_LABEL[e.kind] ?? e.kind}
                {e.value != null ? ` (${e.value})` : ""}
                {e.detail ? ` · ${e.detail}` : ""}
              </li>
            ))}
          </ol>
        )}
      </QueryState>
    </section>
  );
}
