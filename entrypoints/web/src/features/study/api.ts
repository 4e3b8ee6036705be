"use client";
/** Study's data: decks, cards, the due queue, progress and settings, through the typed client
 * and TanStack Query. Every key starts with "study" so one invalidation refreshes them all. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type Deck = components["schemas"]["DeckRead"];
export type StudyCard = components["schemas"]["CardRead"];
export type Progress = components["schemas"]["study_ProgressRead"];
export type Queue = components["schemas"]["QueueRead"];
export type StudySettings = components["schemas"]["study_SettingsRead"];

/** The most the queue answers at once; a longer backlog is studied in several sessions. */
export const QUEUE_LIMIT = 200;
export const CARDS_PAGE = 20;

export const keys = {
  all: ["study"] as const,
  decks: ["study", "decks"] as const,
  deck: (id: string) => ["study", "deck", id] as const,
  cards: (id: string, offset: number) => ["study", "cards", id, offset] as const,
  progress: (id: string) => ["study", "progress", id] as const,
  queue: (id: string) => ["study", "queue", id] as const,
  settings: ["study", "settings"] as const,
};

export function useDecks() {
  return useQuery({ queryKey: keys.decks, queryFn: () => unwrap(api.GET("/api/v1/study/decks")) });
}

export function useDeck(id: string) {
  return useQuery({
    queryKey: keys.deck(id),
    queryFn: () => unwrap(api.GET("/api/v1/study/decks/{deck_id}", { params: { path: { deck_id: id } } })),
  });
}

export function useProgress(id: string) {
  return useQuery({
    queryKey: keys.progress(id),
    queryFn: () =>
      unwrap(api.GET("/api/v1/study/decks/{deck_id}/progress", { params: { path: { deck_id: id } } })),
  });
}

/** What a session would show now: due reviews, then new cards within today's allowance. */
export function useQueue(id: string, enabled = true) {
  return useQuery({
    queryKey: keys.queue(id),
    enabled,
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/study/decks/{deck_id}/queue", {
          params: { path: { deck_id: id }, query: { limit: QUEUE_LIMIT } },
        }),
      ),
  });
}

/** One page of a deck's cards; one more than a page is asked for, to know whether more follow. */
export function useCards(id: string, offset: number) {
  return useQuery({
    queryKey: keys.cards(id, offset),
    queryFn: async () => {
      const list = await unwrap(
        api.GET("/api/v1/study/decks/{deck_id}/cards", {
          params: { path: { deck_id: id }, query: { limit: CARDS_PAGE + 1, offset } },
        }),
      );
      return { cards: list.slice(0, CARDS_PAGE), more: list.length > CARDS_PAGE };
    },
    placeholderData: (previous) => previous,
  });
}

export function useStudySettings() {
  return useQuery({ queryKey: keys.settings, queryFn: () => unwrap(api.GET("/api/v1/study/settings")) });
}

/** Refreshes everything study shows, and Today (its due count). */
export function useRefreshStudy() {
  const queryClient = useQueryClient();
  return useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: keys.all });
    void queryClient.invalidateQueries({ queryKey: ["dashboard"] });
  }, [queryClient]);
}

/** How many cards a session would show now. */
export function dueNow(queue: Queue | undefined): number | undefined {
  return queue ? queue.reviews.length + queue.new.length : undefined;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A file name from a deck's name: letters, digits and dashes. */
export function fileName(name: string, ext: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[^\w\s-]/g, "")
    .trim()
    .replace(/\s+/g, "-")
    .toLowerCase();
  return `${base || "deck"}.${ext}`;
}
