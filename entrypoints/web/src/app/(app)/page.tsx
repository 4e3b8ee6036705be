"use client";
/** Today: the day's content, due habits (one tap marks one done), focus minutes, the streak,
 * due cards, mood and goals at a glance. */
import Link from "next/link";
import { useEffect } from "react";
import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { Card, Empty, ErrorNote, Loading, PageHeader, cx } from "@/components/ui";
import { useAuth } from "@/lib/auth";
import { longDay } from "@/lib/days";
import { dailyQuery, dashboardQuery, decksQuery } from "@/features/today/queries";
import { QUEUE_LIMIT, dueNow, keys as studyKeys } from "@/features/study/api";

interface HabitToday {
  id: string;
  name: string;
  done: boolean;
  scheduled: boolean;
}

export default function TodayPage() {
  const { user } = useAuth();
  const queryClient = useQueryClient();
  useEffect(() => {
    document.title = "Today · ReFocused";
  }, []);

  const dashboard = useQuery(dashboardQuery);
  const decks = useQuery(decksQuery);
  // "Due" as Study counts it: what a review session would show now (the same cached queries).
  const queues = useQueries({
    queries: (decks.data ?? []).map((deck) => ({
      queryKey: studyKeys.queue(deck.id),
      queryFn: () =>
        unwrap(
          api.GET("/api/v1/study/decks/{deck_id}/queue", {
            params: { path: { deck_id: deck.id }, query: { limit: QUEUE_LIMIT } },
          }),
        ),
    })),
  });
  const daily = useQuery(dailyQuery());

  const sections = dashboard.data?.sections as Record<string, any> | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
  const day = dashboard.data?.date;

  const mark = useMutation({
    mutationFn: (habit: HabitToday) =>
      unwrap(
        habit.done
          ? api.DELETE("/api/v1/habits/{habit_id}/days/{day}", { params: { path: { habit_id: habit.id, day: day! } } })
          : api.PUT("/api/v1/habits/{habit_id}/days/{day}", { params: { path: { habit_id: habit.id, day: day! } } }),
      ),
    onMutate: async (habit) => {
      await queryClient.cancelQueries({ queryKey: ["dashboard"] });
      const before = queryClient.getQueryData(["dashboard"]);
      queryClient.setQueryData(["dashboard"], (old: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        if (!old) return old;
        const habits = old.sections.today.habits;
        const list = habits.habits.map((h: HabitToday) => (h.id === habit.id ? { ...h, done: !h.done } : h));
        return {
          ...old,
          sections: {
            ...old.sections,
            today: { ...old.sections.today, habits: { ...habits, habits: list, done: list.filter((h: HabitToday) => h.done).length } },
          },
        };
      });
      return { before };
    },
    onError: (_e, _h, ctx) => queryClient.setQueryData(["dashboard"], ctx?.before),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ["dashboard"] });
      void queryClient.invalidateQueries({ queryKey: ["habits"] });
    },
  });

  if (dashboard.isPending) return <Loading label="Loading your day" />;
  if (dashboard.error || !sections) return <ErrorNote error={dashboard.error} />;

  const today = sections.today;
  const habits: HabitToday[] = today.habits.habits.filter((h: HabitToday) => h.scheduled || h.done);
  const dueCards = queues.reduce((sum, q) => sum + (dueNow(q.data) ?? 0), 0);
  const content = daily.data;

  return (
    <>
      <PageHeader title={`Good to see you${user?.display_name ? `, ${user.display_name}` : ""}`}>
        <p className="text-sm text-muted">{day && longDay(day)}</p>
      </PageHeader>
      <div className="grid gap-4 md:grid-cols-3">
        <Card title="Streak">
          <p className="text-3xl font-semibold text-brand-800">{sections.streak.current} <span className="text-base font-normal text-muted">days</span></p>
          <p className="text-sm text-muted">Longest: {sections.streak.longest} days{sections.streak.active_today ? " · active today" : ""}</p>
        </Card>
        <Card title="Focus today">
          <p className="text-3xl font-semibold text-brand-800">{today.focus.focus_minutes} <span className="text-base font-normal text-muted">minutes</span></p>
          <p className="text-sm text-muted">{today.focus.focus_sessions} sessions · {today.focus.tasks_done} tasks done</p>
          <Link href="/pomodoro/" className="mt-2 inline-block text-sm text-brand-800 underline">Start a focus session</Link>
        </Card>
        <Card title="Cards due">
          <p className="text-3xl font-semibold text-brand-800">{decks.isPending ? "…" : dueCards}</p>
          <Link href="/study/" className="mt-2 inline-block text-sm text-brand-800 underline">Review now</Link>
        </Card>
      </div>
      <div className="mt-4 grid gap-4 md:grid-cols-2">
        <Card title={`Habits · ${today.habits.done} of ${habits.length} done`} action={<Link href="/habits/" className="text-sm text-brand-800 underline">All habits</Link>}>
          {habits.length === 0 ? (
            <Empty>Nothing due today. <Link href="/habits/" className="underline">Add a habit</Link>.</Empty>
          ) : (
            <ul className="flex flex-col gap-2">
              {habits.map((h) => (
                <li key={h.id}>
                  <button
                    type="button"
                    onClick={() => mark.mutate(h)}
                    aria-pressed={h.done}
                    className={cx(
                      "flex w-full items-center gap-3 rounded-lg border px-3 py-2 text-left text-sm",
                      h.done ? "border-brand-200 bg-brand-50 text-brand-800" : "border-stone-200 hover:bg-stone-50",
                    )}
                  >
                    <span aria-hidden className={cx("flex size-5 items-center justify-center rounded-full border", h.done ? "border-brand-700 bg-brand-700 text-white" : "border-stone-400")}>
                      {h.done ? "✓" : ""}
                    </span>
                    {h.name}
                    <span className="sr-only">{h.done ? " (done today)" : " (mark done today)"}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          <ErrorNote error={mark.error} className="mt-2" />
        </Card>
        <Card title="Mood and goals">
          <p className="text-sm">
            Mood today:{" "}
            {today.mood.average == null ? <span className="text-muted">not logged yet</span> : <strong>{Number(today.mood.average).toFixed(1)} / 10</strong>}{" "}
            <Link href="/mood/" className="text-brand-800 underline">Log mood</Link>
          </p>
          <p className="mt-3 text-sm">{sections.goals.active} active goals</p>
          <ul className="mt-1 list-disc pl-5 text-sm text-muted">
            {(sections.goals.next as { id: string; title: string }[]).map((g) => (
              <li key={g.id}>{g.title}</li>
            ))}
          </ul>
          <Link href="/goals/" className="mt-2 inline-block text-sm text-brand-800 underline">Goals</Link>
        </Card>
      </div>
      {content && (
        <div className="mt-4 grid gap-4 md:grid-cols-2">
          <Card title="Quote of the day">
            <blockquote className="text-lg italic">“{content.quote.text}”</blockquote>
            <p className="mt-1 text-sm text-muted">{content.quote.author}</p>
          </Card>
          <Card title={`Word of the day: ${content.word.word ?? ""}`}>
            <p className="text-sm"><em>{content.word.part_of_speech}</em> · {content.word.meaning}</p>
            <p className="mt-2 text-sm text-muted">{content.word.example}</p>
          </Card>
          <Card title="Journal prompt">
            <p className="text-sm">{content.prompt.text}</p>
            <Link href="/journal/" className="mt-2 inline-block text-sm text-brand-800 underline">Write</Link>
          </Card>
          <Card title={`Mind fuel: ${content.mind_fuel.title ?? ""}`}>
            <p className="text-sm">{content.mind_fuel.text}</p>
            {content.theme && <p className="mt-2 text-xs text-muted">This week’s theme: {content.theme.title}</p>}
          </Card>
        </div>
      )}
    </>
  );
}
