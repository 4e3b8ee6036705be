/** Today's data, shared by the Today page and the app shell, which starts fetching it while it
 * still asks who is signed in (one round trip fewer before the first screen). */
import type { QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { msUntilUtcMidnight } from "@/lib/days";

export const dashboardQuery = {
  queryKey: ["dashboard"] as const,
  queryFn: () => unwrap(api.GET("/api/v1/dashboard")),
};

export const decksQuery = {
  queryKey: ["study", "decks"] as const,
  queryFn: () => unwrap(api.GET("/api/v1/study/decks")),
};

/** The day's content changes at midnight UTC: kept until then. */
export function dailyQuery() {
  return {
    queryKey: ["daily", new Date().toISOString().slice(0, 10)] as const,
    queryFn: () => unwrap(api.GET("/api/v1/daily")),
    staleTime: msUntilUtcMidnight(),
    gcTime: msUntilUtcMidnight(),
  };
}

export function prefetchToday(queryClient: QueryClient): void {
  void queryClient.prefetchQuery(dashboardQuery);
  void queryClient.prefetchQuery(decksQuery);
  void queryClient.prefetchQuery(dailyQuery());
}
