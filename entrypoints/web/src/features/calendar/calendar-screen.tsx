"use client";
/** The calendar: a month grid with a marker for each kind of activity on a day (focus, habits,
 * mood, breathing, goals), and the chosen day's sections below it. `?day=YYYY-MM-DD` opens a
 * day. Today is reckoned in the user's time zone. */
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { Button, Card, Empty, ErrorNote, Loading, PageHeader, QueryState } from "@/components/ui";
import { useAuth } from "@/lib/auth";
import { longDay, todayIn } from "@/lib/days";
import { monthLabel, monthOf, shiftMonth } from "./dates";
import { MonthGrid } from "./month-grid";

interface MonthDay {
  date: string;
  is_today: boolean;
  activity: { active: boolean; actions: number } | null;
  focus: { focus_minutes: number; focus_sessions: number } | null;
  habits: { done: number } | null;
  mood: { entries: number; happiness: number; focus: number; stress: number } | null;
  breathing: { sessions: number; seconds: number } | null;
  goals: { due: string[]; completed: string[] } | null;
}

interface GoalSummary {
  id: string;
  title: string;
  kind: string;
  progress: number;
  target: number;
  percent: number;
  due_date: string | null;
  status: string;
}

interface DaySections {
  activity?: { active: boolean; actions: number };
  focus?: { focus_minutes: number; focus_sessions: number; break_sessions: number; tasks_done: number };
  habits?: { habits: { id: string; name: string; done: boolean; scheduled: boolean }[]; done: number };
  mood?: {
    entries: { id: string; happiness: number; focus: number; stress: number; note: string; recorded_at: string }[];
    average: { happiness: number; focus: number; stress: number } | null;
  };
  breathing?: { sessions: number; cycles: number; seconds: number; techniques: string[] };
  goals?: { running: GoalSummary[]; due: string[]; completed: string[]; updates: number };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The markers of a day, in words (for the button's name) and as small symbols. */
function markers(d: MonthDay | undefined): { words: string[]; symbols: { key: string; text: string }[] } {
  const words: string[] = [];
  const symbols: { key: string; text: string }[] = [];
  if (!d) return { words, symbols };
  if (d.focus) {
    words.push(`${d.focus.focus_minutes} focus minutes`);
    symbols.push({ key: "focus", text: "◷" });
  }
  if (d.habits) {
    words.push(`${d.habits.done} habit${d.habits.done === 1 ? "" : "s"} done`);
    symbols.push({ key: "habits", text: `✓${d.habits.done}` });
  }
  if (d.mood) {
    words.push("mood logged");
    symbols.push({ key: "mood", text: "☺" });
  }
  if (d.breathing) {
    words.push("breathing");
    symbols.push({ key: "breathing", text: "◌" });
  }
  if (d.goals) {
    if (d.goals.completed.length) words.push(`${d.goals.completed.length} goal${d.goals.completed.length === 1 ? "" : "s"} completed`);
    if (d.goals.due.length) words.push(`${d.goals.due.length} goal${d.goals.due.length === 1 ? "" : "s"} due`);
    symbols.push({ key: "goals", text: "⚑" });
  }
  return { words, symbols };
}

export function CalendarScreen() {
  const { user } = useAuth();
  const params = useSearchParams();
  const today = todayIn(user?.time_zone ?? "UTC");
  const asked = params.get("day");
  const [selected, setSelected] = useState<string>(asked && DAY.test(asked) ? asked : today);
  const [active, setActive] = useState<string>(selected);
  const [month, setMonth] = useState<string>(monthOf(selected));

  useEffect(() => {
    document.title = "Calendar · ReFocused";
  }, []);

  const monthQuery = useQuery({
    queryKey: ["calendar", "month", month],
    queryFn: () => unwrap(api.GET("/api/v1/calendar/months/{month}", { params: { path: { month } } })),
  });
  const byDay = new Map(((monthQuery.data?.days ?? []) as unknown as MonthDay[]).map((d) => [d.date, d]));
  const serverToday = monthQuery.data?.today ?? today;

  function goTo(day: string) {
    setActive(day);
    if (monthOf(day) !== month) setMonth(monthOf(day));
  }
  function select(day: string) {
    setSelected(day);
    goTo(day);
    window.history.replaceState(null, "", `/calendar/?day=${day}`);
  }

  return (
    <>
      <PageHeader title="Calendar">
        <Button variant="secondary" onClick={() => select(serverToday)}>
          Go to today
        </Button>
      </PageHeader>
      <div className="grid gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Card>
          <div className="mb-3 flex items-center justify-between gap-2">
            <Button variant="ghost" aria-label="Previous month" onClick={() => goTo(`${shiftMonth(month, -1)}-01`)}>
              ‹ <span className="hidden sm:inline">Previous</span>
            </Button>
            <h2 className="text-base font-semibold text-ink" aria-live="polite">
              {monthLabel(month)}
            </h2>
            <Button variant="ghost" aria-label="Next month" onClick={() => goTo(`${shiftMonth(month, 1)}-01`)}>
              <span className="hidden sm:inline">Next</span> ›
            </Button>
          </div>
          {monthQuery.isPending ? (
            <Loading label="Loading the month" />
          ) : monthQuery.error ? (
            <ErrorNote error={monthQuery.error} />
          ) : (
            <MonthGrid
              month={month}
              today={serverToday}
              active={active}
              onActiveChange={goTo}
              onSelect={select}
              caption={`${monthLabel(month)}: choose a day to see it`}
              cell={(day) => {
                const m = markers(byDay.get(day));
                return {
                  pressed: day === selected,
                  status: m.words.length ? m.words.join(", ") : "nothing recorded",
                  className: day === selected ? "bg-brand-100" : undefined,
                  content: (
                    <span aria-hidden className="flex flex-wrap justify-center gap-x-0.5 text-[11px] leading-tight text-brand-800">
                      {m.symbols.map((s) => (
                        <span key={s.key}>{s.text}</span>
                      ))}
                    </span>
                  ),
                };
              }}
            />
          )}
          <p className="mt-3 text-xs text-muted">
            Markers: ◷ focus · ✓ habits done · ☺ mood · ◌ breathing · ⚑ goals. Use the arrow keys to move between days, Page Up and Page Down between months.
          </p>
        </Card>
        <DayView day={selected} today={serverToday} />
      </div>
    </>
  );
}

function DayView({ day, today }: { day: string; today: string }) {
  const query = useQuery({
    queryKey: ["calendar", "day", day],
    queryFn: () => unwrap(api.GET("/api/v1/calendar/{day}", { params: { path: { day } } })),
  });
  return (
    <Card title={`${longDay(day)}${day === today ? " (today)" : ""}`}>
      <QueryState query={query} label="Loading the day">
        {() => <Sections s={query.data!.sections as DaySections} />}
      </QueryState>
    </Card>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="border-t border-stone-200 pt-3 first:border-0 first:pt-0">
      <h3 className="mb-1 text-sm font-semibold text-ink">{title}</h3>
      <div className="text-sm">{children}</div>
    </section>
  );
}

function Sections({ s }: { s: DaySections }) {
  const nothing =
    !s.activity?.active && !s.focus?.focus_sessions && !s.habits?.done && !s.mood?.entries.length && !s.breathing?.sessions && !s.goals?.running.length;
  return (
    <div className="flex flex-col gap-3">
      {nothing && <Empty>Nothing recorded on this day.</Empty>}
      {s.activity && (
        <p className="text-sm text-muted">
          {s.activity.active ? `Counted toward your streak: ${s.activity.actions} action${s.activity.actions === 1 ? "" : "s"}.` : "No streak activity."}
        </p>
      )}
      {s.focus && (
        <Section title="Focus">
          {s.focus.focus_sessions ? (
            <p>
              {s.focus.focus_minutes} minutes in {s.focus.focus_sessions} session{s.focus.focus_sessions === 1 ? "" : "s"} · {s.focus.tasks_done} tasks done
            </p>
          ) : (
            <p className="text-muted">No focus sessions.</p>
          )}
        </Section>
      )}
      {s.habits && (
        <Section title={`Habits · ${s.habits.done} done`}>
          {s.habits.habits.length === 0 ? (
            <p className="text-muted">
              No habits. <Link href="/habits/" className="text-brand-800 underline">Add one</Link>
            </p>
          ) : (
            <ul className="flex flex-col gap-1">
              {s.habits.habits.map((h) => (
                <li key={h.id} className="flex items-center gap-2">
                  <span aria-hidden className={h.done ? "text-brand-800" : "text-muted"}>
                    {h.done ? "✓" : "○"}
                  </span>
                  <Link href={`/habits/?habit=${h.id}`} className="underline">
                    {h.name}
                  </Link>
                  <span className="text-muted">{h.done ? "done" : h.scheduled ? "not done" : "not scheduled"}</span>
                </li>
              ))}
            </ul>
          )}
        </Section>
      )}
      {s.mood && (
        <Section title="Mood">
          {s.mood.entries.length === 0 ? (
            <p className="text-muted">No mood logged.</p>
          ) : (
            <ul className="flex flex-col gap-1">
              {s.mood.entries.map((e) => (
                <li key={e.id}>
                  {new Date(e.recorded_at).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" })}: happiness {e.happiness}, focus {e.focus}, stress {e.stress}
                  {e.note ? <span className="text-muted"> · “{e.note}”</span> : null}
                </li>
              ))}
            </ul>
          )}
        </Section>
      )}
      {s.breathing && s.breathing.sessions > 0 && (
        <Section title="Breathing">
          <p>
            {s.breathing.sessions} session{s.breathing.sessions === 1 ? "" : "s"}, {Math.round(s.breathing.seconds / 60)} minutes
            {s.breathing.techniques.length ? ` (${s.breathing.techniques.join(", ")})` : ""}
          </p>
        </Section>
      )}
      {s.goals && (
        <Section title="Goals">
          {s.goals.running.length === 0 ? (
            <p className="text-muted">No goals running.</p>
          ) : (
            <ul className="flex flex-col gap-1">
              {s.goals.running.map((g) => (
                <li key={g.id}>
                  {g.title} <span className="text-muted">· {Math.round(g.percent)}%{s.goals!.due.includes(g.id) ? " · due this day" : ""}</span>
                </li>
              ))}
            </ul>
          )}
          {s.goals.completed.length > 0 && <p className="mt-1">{s.goals.completed.length} goal(s) completed.</p>}
        </Section>
      )}
    </div>
  );
}
