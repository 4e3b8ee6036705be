/** The journal's data: collections, entries (with the grants of unlocked collections in the
 * X-Journal-Grant header), search, gratitude, stats and the user's recent moods. */
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { ApiError } from "@/api/problem";
import type { components } from "@/api/schema";
import { forgetGrant, grantHeaders, grantKey, useGrants } from "./grants";

export type Collection = components["schemas"]["CollectionRead"];
export type Entry = components["schemas"]["EntryRead"];
export type Gratitude = components["schemas"]["GratitudeRead"];
export type Stats = components["schemas"]["StatsRead"];
export type Mood = components["schemas"]["MoodEntryRead"];
type EntryPageData = components["schemas"]["EntryPage"];

export const JOURNAL = ["journal"] as const;
export const COLLECTIONS = ["journal", "collections"] as const;

/** A 403 on a protected collection we thought unlocked: its grant ended (a password change,
 * another tab's Lock). Forget it so the screen asks for the password again. */
export function dropGrantOn403(error: unknown, collectionId: string | undefined): void {
  if (collectionId && error instanceof ApiError && error.status === 403) forgetGrant(collectionId);
}

export function useCollections() {
  return useQuery({ queryKey: COLLECTIONS, queryFn: () => unwrap(api.GET("/api/v1/journal/collections")) });
}

const PAGE = 50;

/** Newest first, 50 at a time (`fetchNextPage` for more, until `total`). */
export function useEntries(collection: Collection | null, enabled: boolean) {
  const grants = useGrants();
  const id = collection?.id;
  return useInfiniteQuery({
    queryKey: ["journal", "entries", id ?? "all", grantKey(grants)],
    enabled,
    initialPageParam: 0,
    getNextPageParam: (last: EntryPageData, pages: EntryPageData[]) => {
      const seen = pages.reduce((n, p) => n + p.items.length, 0);
      return seen < last.total && last.items.length > 0 ? seen : undefined;
    },
    queryFn: async ({ pageParam }) => {
      try {
        return await unwrap(
          api.GET("/api/v1/journal/entries", {
            params: { query: { collection_id: id, limit: PAGE, offset: pageParam } },
            headers: grantHeaders(),
          }),
        );
      } catch (e) {
        dropGrantOn403(e, collection?.protected ? id : undefined);
        throw e;
      }
    },
  });
}

export function useEntry(id: string | null, collectionOf: (entryId: string) => string | undefined) {
  const grants = useGrants();
  return useQuery({
    queryKey: ["journal", "entry", id, grantKey(grants)],
    enabled: !!id,
    queryFn: async () => {
      try {
        return await unwrap(
          api.GET("/api/v1/journal/entries/{entry_id}", {
            params: { path: { entry_id: id! } },
            headers: grantHeaders(),
          }),
        );
      } catch (e) {
        dropGrantOn403(e, collectionOf(id!));
        throw e;
      }
    },
  });
}

export function useSearch(q: string) {
  const grants = useGrants();
  return useQuery({
    queryKey: ["journal", "search", q, grantKey(grants)],
    enabled: q.trim().length > 0,
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/journal/search", { params: { query: { q, limit: 50 } }, headers: grantHeaders() }),
      ),
  });
}

export function useStats() {
  const grants = useGrants();
  return useQuery({
    queryKey: ["journal", "stats", grantKey(grants)],
    queryFn: () => unwrap(api.GET("/api/v1/journal/stats", { headers: grantHeaders() })),
  });
}

export const GRATITUDE = ["journal", "gratitude"] as const;
export function useGratitude() {
  return useQuery({
    queryKey: GRATITUDE,
    queryFn: () => unwrap(api.GET("/api/v1/journal/gratitude", { params: { query: { limit: 50 } } })),
  });
}

/** The last 30 days of mood entries, to link one to an entry. */
export function useRecentMoods(today: string | undefined) {
  return useQuery({
    queryKey: ["mood", "entries", "journal-link", today],
    enabled: !!today,
    queryFn: () => {
      const [y, m, d] = today!.split("-").map(Number);
      const from = new Date(Date.UTC(y!, m! - 1, d! - 29)).toISOString().slice(0, 10);
      return unwrap(api.GET("/api/v1/mood/entries", { params: { query: { from, to: today } } }));
    },
  });
}

/** What any journal change may affect: every journal query and the dashboard. */
export function useInvalidateJournal() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: JOURNAL });
    void queryClient.invalidateQueries({ queryKey: ["dashboard"] });
  };
}

/** The error to show as a note: none when it is about one of `fields`, shown by that field. */
export function otherError(error: unknown, fields: string[]): unknown {
  if (error instanceof ApiError && fields.some((f) => error.fieldMessage(f))) return null;
  return error;
}
