"use client";
/** Gratitude notes: add one for today, see the latest, delete one (at once, undone on error). */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "@/api/client";
import { Button, Card, Empty, ErrorNote, QueryState, TextField } from "@/components/ui";
import { useAuth } from "@/lib/auth";
import { longDay, todayIn } from "@/lib/days";
import { GRATITUDE, otherError, useGratitude, useInvalidateJournal, type Gratitude } from "./queries";

type Page = { items: Gratitude[]; total: number };

export function GratitudeCard() {
  const { user } = useAuth();
  const list = useGratitude();
  const queryClient = useQueryClient();
  const invalidate = useInvalidateJournal();
  const [text, setText] = useState("");
  const add = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/journal/gratitude", {
          body: { text, on_date: user ? todayIn(user.time_zone) : null },
        }),
      ),
    onSuccess: (g) => {
      queryClient.setQueryData<Page>(GRATITUDE, (old) => (old ? { items: [g, ...old.items], total: old.total + 1 } : old));
      setText("");
      invalidate();
    },
  });
  const remove = useMutation({
    mutationFn: (g: Gratitude) =>
      unwrap(api.DELETE("/api/v1/journal/gratitude/{gratitude_id}", { params: { path: { gratitude_id: g.id } } })),
    onMutate: async (g) => {
      await queryClient.cancelQueries({ queryKey: GRATITUDE });
      const before = queryClient.getQueryData<Page>(GRATITUDE);
      queryClient.setQueryData<Page>(GRATITUDE, (old) =>
        old ? { items: old.items.filter((i) => i.id !== g.id), total: old.total - 1 } : old,
      );
      return { before };
    },
    onError: (_e, _g, ctx) => queryClient.setQueryData(GRATITUDE, ctx?.before),
    onSettled: () => invalidate(),
  });
  return (
    <Card title="Gratitude">
      <form
        className="flex flex-col gap-2 sm:flex-row sm:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <TextField
          className="flex-1"
          label="Something you are grateful for today"
          field="text"
          error={add.error}
          value={text}
          onChange={(e) => setText(e.target.value)}
          maxLength={500}
          required
        />
        <Button type="submit" busy={add.isPending}>
          Add
        </Button>
      </form>
      <ErrorNote error={otherError(add.error, ["text"])} className="mt-2" />
      <ErrorNote error={remove.error} className="mt-2" />
      <div className="mt-3">
        <QueryState query={list} label="Loading gratitude">
          {() =>
            list.data!.items.length === 0 ? (
              <Empty>Nothing noted yet. What went well today?</Empty>
            ) : (
              <ul aria-label="Gratitude notes" className="flex flex-col gap-2">
                {list.data!.items.map((g) => (
                  <li key={g.id} className="flex items-start justify-between gap-2 rounded-lg border border-stone-200 px-3 py-2">
                    <span className="text-sm text-ink">
                      {g.text}
                      <span className="block text-xs text-muted">{longDay(g.on_date)}</span>
                    </span>
                    <Button variant="ghost" aria-label={`Delete “${g.text}”`} onClick={() => remove.mutate(g)}>
                      Delete
                    </Button>
                  </li>
                ))}
              </ul>
            )
          }
        </QueryState>
      </div>
    </Card>
  );
}
