"use client";
/** Tasks for the running focus session: the list is kept in this browser (the API counts
 * finished tasks, it does not store their names); marking one done counts it at once. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { Button, ErrorNote, TextField, cx } from "@/components/ui";
import { KEYS, countTask, type Current, type Session } from "./api";

interface Task {
  id: string;
  text: string;
  done: boolean;
}

const key = (sessionId: string) => `rf_pomodoro_tasks:${sessionId}`;

function load(sessionId: string): Task[] {
  try {
    return JSON.parse(localStorage.getItem(key(sessionId)) ?? "[]") as Task[];
  } catch {
    return [];
  }
}

function save(sessionId: string, tasks: Task[]): void {
  try {
    localStorage.setItem(key(sessionId), JSON.stringify(tasks));
  } catch {
    /* storage may be unavailable */
  }
}

export function forgetTasks(sessionId: string): void {
  try {
    localStorage.removeItem(key(sessionId));
  } catch {
    /* storage may be unavailable */
  }
}

export function TasksCard({ session }: { session: Session }) {
  const queryClient = useQueryClient();
  const [tasks, setTasks] = useState<Task[]>([]);
  const [text, setText] = useState("");

  useEffect(() => setTasks(load(session.id)), [session.id]);

  const update = (next: Task[]) => {
    setTasks(next);
    save(session.id, next);
  };

  const add = (e: FormEvent) => {
    e.preventDefault();
    const t = text.trim();
    if (!t) return;
    update([...tasks, { id: crypto.randomUUID(), text: t.slice(0, 200), done: false }]);
    setText("");
  };

  const bump = (delta: number) =>
    queryClient.setQueryData<{ current: Current; skewMs: number }>(KEYS.current, (old) =>
      old?.current.session?.id === session.id
        ? { ...old, current: { ...old.current, session: { ...old.current.session, tasks_done: old.current.session.tasks_done + delta } } }
        : old,
    );

  const mark = useMutation({
    mutationFn: (_task: Task) => countTask(session.id),
    onMutate: (task) => {
      // Instant: the task is done and counted here before the API answers.
      const next = load(session.id).map((t) => (t.id === task.id ? { ...t, done: true } : t));
      update(next);
      bump(1);
    },
    onError: (_e, task) => {
      update(load(session.id).map((t) => (t.id === task.id ? { ...t, done: false } : t)));
      bump(-1);
    },
    onSuccess: (updated) => {
      queryClient.setQueryData<{ current: Current; skewMs: number }>(KEYS.current, (old) =>
        old?.current.session?.id === updated.id ? { ...old, current: { ...old.current, session: updated } } : old,
      );
    },
  });

  return (
    <section aria-labelledby="session-tasks" className="mt-6 border-t border-stone-200 pt-4">
      <h3 id="session-tasks" className="text-sm font-semibold text-ink">
        Tasks for this session <span className="font-normal text-muted">· {session.tasks_done} done</span>
      </h3>
      <form onSubmit={add} className="mt-2 flex items-end gap-2">
        <TextField label="New task" value={text} maxLength={200} onChange={(e) => setText(e.target.value)} className="flex-1" />
        <Button type="submit" variant="secondary">
          Add task
        </Button>
      </form>
      {tasks.length > 0 && (
        <ul className="mt-3 flex flex-col gap-1">
          {tasks.map((t) => (
            <li key={t.id} className="flex items-center gap-2 text-sm">
              <input
                id={`task-${t.id}`}
                type="checkbox"
                className="size-5 accent-brand-700"
                checked={t.done}
                disabled={t.done}
                onChange={() => mark.mutate(t)}
              />
              <label htmlFor={`task-${t.id}`} className={cx(t.done && "text-muted line-through")}>
                {t.text}
                {t.done && <span className="sr-only"> (done)</span>}
              </label>
            </li>
          ))}
        </ul>
      )}
      <ErrorNote error={mark.error} className="mt-2" />
    </section>
  );
}
