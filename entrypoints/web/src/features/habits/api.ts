/** Habits through the API: the queries and mutations the habits screens share. */
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { WEEKDAYS } from "@/features/calendar/dates";

export type Habit = components["schemas"]["HabitRead"];
export type Progress = components["schemas"]["habits_ProgressRead"];
export type Schedule = components["schemas"]["ScheduleBody"];
export type HabitDashboard = components["schemas"]["habits_DashboardRead"];
export type HabitCalendar = components["schemas"]["CalendarRead"];
export type Analytics = components["schemas"]["AnalyticsRead"];

export const keys = {
  all: ["habits"] as const,
  dashboard: ["habits", "dashboard"] as const,
  list: (archived: boolean) => ["habits", "list", archived] as const,
  one: (id: string) => ["habits", "one", id] as const,
  calendar: (id: string, month: string) => ["habits", "calendar", id, month] as const,
  analytics: (id: string) => ["habits", "analytics", id] as const,
};

export function useHabitDashboard() {
  return useQuery({ queryKey: keys.dashboard, queryFn: () => unwrap(api.GET("/api/v1/habits/dashboard")) });
}

export function useHabits(includeArchived: boolean) {
  return useQuery({
    queryKey: keys.list(includeArchived),
    queryFn: () => unwrap(api.GET("/api/v1/habits", { params: { query: { include_archived: includeArchived } } })),
  });
}

export function useHabit(id: string) {
  return useQuery({
    queryKey: keys.one(id),
    queryFn: () => unwrap(api.GET("/api/v1/habits/{habit_id}", { params: { path: { habit_id: id } } })),
  });
}

export function useHabitCalendar(id: string, month: string) {
  return useQuery({
    queryKey: keys.calendar(id, month),
    queryFn: () => unwrap(api.GET("/api/v1/habits/{habit_id}/calendar", { params: { path: { habit_id: id }, query: { month } } })),
  });
}

export function useHabitAnalytics(id: string) {
  return useQuery({
    queryKey: keys.analytics(id),
    queryFn: () => unwrap(api.GET("/api/v1/habits/{habit_id}/analytics", { params: { path: { habit_id: id } } })),
  });
}

/** What every habit change may alter elsewhere: the habit screens, Today and the calendar. */
export function invalidateAfterHabitChange(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: keys.all });
  void queryClient.invalidateQueries({ queryKey: ["dashboard"] });
  void queryClient.invalidateQueries({ queryKey: ["calendar"] });
}

export interface Mark {
  habitId: string;
  day: string;
  done: boolean;
}

/** Marks a day done or not done at once on screen; the screen goes back if the API refuses. */
export function useMarkDay() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ habitId, day, done }: Mark) => {
      const params = { params: { path: { habit_id: habitId, day } } };
      return unwrap(done ? api.PUT("/api/v1/habits/{habit_id}/days/{day}", params) : api.DELETE("/api/v1/habits/{habit_id}/days/{day}", params));
    },
    onMutate: async ({ habitId, day, done }) => {
      const month = day.slice(0, 7);
      await queryClient.cancelQueries({ queryKey: keys.dashboard });
      await queryClient.cancelQueries({ queryKey: keys.calendar(habitId, month) });
      await queryClient.cancelQueries({ queryKey: keys.one(habitId) });
      const dashboard = queryClient.getQueryData<HabitDashboard>(keys.dashboard);
      const calendar = queryClient.getQueryData<HabitCalendar>(keys.calendar(habitId, month));
      const one = queryClient.getQueryData<Progress>(keys.one(habitId));
      if (dashboard && dashboard.today === day) {
        const habits = dashboard.habits.map((h) => (h.habit.id === habitId ? { ...h, done_today: done } : h));
        queryClient.setQueryData<HabitDashboard>(keys.dashboard, {
          ...dashboard,
          habits,
          done_today: habits.filter((h) => h.done_today).length,
        });
      }
      if (one && one.today === day) queryClient.setQueryData<Progress>(keys.one(habitId), { ...one, done_today: done });
      if (calendar) {
        const days = calendar.days.map((d) => (d.date === day ? { ...d, done } : d));
        queryClient.setQueryData<HabitCalendar>(keys.calendar(habitId, month), { ...calendar, days, done: days.filter((d) => d.done).length });
      }
      return { dashboard, calendar, one, month };
    },
    onError: (_error, { habitId }, ctx) => {
      if (!ctx) return;
      queryClient.setQueryData(keys.dashboard, ctx.dashboard);
      queryClient.setQueryData(keys.calendar(habitId, ctx.month), ctx.calendar);
      queryClient.setQueryData(keys.one(habitId), ctx.one);
    },
    onSettled: () => invalidateAfterHabitChange(queryClient),
  });
}

/** "Every day", "Mon, Wed and Fri", "3 times a week". */
export function describeSchedule(s: Schedule): string {
  if (s.kind === "times_per_week") return `${s.times_per_week} time${s.times_per_week === 1 ? "" : "s"} a week`;
  if (s.kind === "weekdays") {
    const names = (s.weekdays ?? []).map((d) => WEEKDAYS[d]!.slice(0, 3));
    if (names.length === 7) return "Every day";
    return names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : (names[0] ?? "");
  }
  return "Every day";
}

export function describeStreak(s: { current: number; best: number; unit: string }): string {
  const unit = s.unit === "weeks" ? "week" : "day";
  return `${s.current} ${unit}${s.current === 1 ? "" : "s"}`;
}
