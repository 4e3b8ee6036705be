/** Breathing data: the typed calls and the query keys this screen uses. */
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type Technique = components["schemas"]["TechniqueRead"];
export type Phase = components["schemas"]["PhaseRead"];
export type BreathingSession = components["schemas"]["BreathingSessionRead"];
export type BreathingStats = components["schemas"]["BreathingStatsRead"];

export const KEYS = {
  all: ["breathing"] as const,
  techniques: ["breathing", "techniques"] as const,
  sessions: ["breathing", "sessions"] as const,
  stats: ["breathing", "stats"] as const,
};

/** The API's limit on one session's length. */
export const MAX_DURATION_SECONDS = 4 * 3600;
export const MAX_CYCLES = 1000;

export const getTechniques = () => unwrap(api.GET("/api/v1/breathing/techniques"));
export const getSessions = () => unwrap(api.GET("/api/v1/breathing/sessions", { params: { query: { limit: 20 } } }));
export const getStats = () => unwrap(api.GET("/api/v1/breathing/stats"));

export const logSession = (body: { technique: string; cycles: number; duration_seconds: number }) =>
  unwrap(api.POST("/api/v1/breathing/sessions", { body }));

export const deleteSession = (id: string) =>
  unwrap(api.DELETE("/api/v1/breathing/sessions/{session_id}", { params: { path: { session_id: id } } }));
