"use client";
/** Who is signed in: GET /auth/me, refreshed silently by the API client, and the sign-in and
 * sign-out actions that keep the CSRF token and the refresh timer. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, type ReactNode } from "react";
import { api, onSessionEnded, refreshScheduled, resumeSession, signedIn, signedOut, signingOut, unwrap } from "@/api/client";
import { ApiError } from "@/api/problem";
import type { components } from "@/api/schema";

export type User = components["schemas"]["UserRead"];

interface Auth {
  user: User | null | undefined;
  loading: boolean;
  signIn: (email: string, password: string, rememberMe: boolean) => Promise<User>;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);
export const ME = ["me"] as const;

async function fetchMe(): Promise<User | null> {
  try {
    return await unwrap(api.GET("/api/v1/auth/me"));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const me = useQuery({ queryKey: ME, queryFn: fetchMe, staleTime: 5 * 60_000 });

  useEffect(
    () =>
      onSessionEnded(() => {
        queryClient.setQueryData(ME, null);
      }),
    [queryClient],
  );

  // A page opened with a session from before: the refresh timer resumes.
  useEffect(() => {
    if (me.data && !refreshScheduled()) resumeSession();
  }, [me.data?.id]); // eslint-disable-line react-hooks/exhaustive-deps

  const signIn = useCallback(
    async (email: string, password: string, rememberMe: boolean) => {
      const body = await unwrap(
        api.POST("/api/v1/auth/login", { body: { email, password, remember_me: rememberMe } }),
      );
      signedIn(body.csrf_token, body.access_expires_in);
      queryClient.clear();
      queryClient.setQueryData(ME, body.user);
      return body.user;
    },
    [queryClient],
  );

  const signOut = useCallback(async () => {
    try {
      await signingOut();
      await api.POST("/api/v1/auth/logout", {});
    } finally {
      signedOut();
      queryClient.clear();
      queryClient.setQueryData(ME, null);
      try {
        localStorage.clear();
        sessionStorage.clear();
      } catch {
        /* storage may be unavailable */
      }
    }
  }, [queryClient]);

  return (
    <AuthContext.Provider value={{ user: me.data, loading: me.isPending, signIn, signOut }}>
      {children}
    </AuthContext.Provider>
  );
}

export function useAuth(): Auth {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error("useAuth outside AuthProvider");
  return ctx;
}
