"use client";
/** Signing in: the address and whether it is verified, the password, and the devices that are
 * signed in now. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, signedIn, unwrap } from "@/api/client";
import { ApiError } from "@/api/problem";
import type { components } from "@/api/schema";
import { Button, Card, cx, Done, Empty, ErrorNote, formError, QueryState, TextField } from "@/components/ui";
import { ME, type User } from "@/lib/auth";
import { forForm } from "./fields";

type Session = components["schemas"]["identity_SessionRead"];
export const SESSIONS = ["auth", "sessions"] as const;

export function EmailCard({ user }: { user: User }) {
  const queryClient = useQueryClient();
  const resend = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/auth/verify-email/request", {})),
    onError: (e) => {
      // Already verified (perhaps in another tab): show what is true now.
      if (e instanceof ApiError && e.status === 409) void queryClient.invalidateQueries({ queryKey: ME });
    },
  });
  return (
    <Card title="Email address">
      <p className="text-sm">
        <span className="font-medium break-all">{user.email}</span>
        {" · "}
        {user.email_verified ? (
          <span className="text-brand-800">
            <span aria-hidden>✓ </span>Verified
          </span>
        ) : (
          <span className="text-red-800">Not verified yet</span>
        )}
      </p>
      {!user.email_verified && (
        <div className="mt-3 flex flex-col gap-2">
          <p className="text-sm text-muted">
            Open the link we mailed you to verify this address. It works for 24 hours.
          </p>
          <div>
            <Button variant="secondary" busy={resend.isPending} onClick={() => resend.mutate()}>
              Send the link again
            </Button>
          </div>
          {resend.isSuccess && <Done>A new link is on its way to {user.email}.</Done>}
          <ErrorNote error={resend.error} />
        </div>
      )}
    </Card>
  );
}

export function PasswordCard({ user }: { user: User }) {
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const change = useMutation({
    mutationFn: () =>
      forForm(
        unwrap(
          api.POST("/api/v1/auth/change-password", {
            body: { current_password: current, new_password: next },
          }),
        ),
        "current_password",
      ),
    onSuccess: (body) => {
      // This session continues with new tokens (and a new CSRF token); the others ended.
      const signIn = body as { csrf_token?: string; access_expires_in?: number; user?: User };
      if (signIn.csrf_token && signIn.access_expires_in) signedIn(signIn.csrf_token, signIn.access_expires_in);
      if (signIn.user) queryClient.setQueryData(ME, signIn.user);
      void queryClient.invalidateQueries({ queryKey: SESSIONS });
      setCurrent("");
      setNext("");
    },
  });

  if (!user.has_password) {
    return (
      <Card title="Password">
        <p className="text-sm text-muted">You sign in with Google: this account has no password to change.</p>
      </Card>
    );
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    change.mutate();
  }

  return (
    <Card title="Password">
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <TextField
          label="Current password"
          name="current_password"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          field="current_password"
          error={change.error}
        />
        <TextField
          label="New password"
          name="new_password"
          type="password"
          autoComplete="new-password"
          value={next}
          onChange={(e) => setNext(e.target.value)}
          field="new_password"
          error={change.error}
          hint="At least 8 characters. Your other devices will be signed out."
        />
        <ErrorNote error={formError(change.error, ["current_password", "new_password"])} />
        {change.isSuccess && <Done>Your password was changed. Your other devices were signed out.</Done>}
        <div>
          <Button type="submit" busy={change.isPending}>
            Change password
          </Button>
        </div>
      </form>
    </Card>
  );
}

/** "Chrome on macOS" from a user agent, or the raw text when it says nothing familiar. */
export function describeDevice(userAgent: string): string {
  const ua = userAgent || "";
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Firefox\//.test(ua)
      ? "Firefox"
      : /Chrom(e|ium)\//.test(ua)
        ? "Chrome"
        : /Safari\//.test(ua)
          ? "Safari"
          : null;
  const os = /iPhone|iPad/.test(ua)
    ? "iOS"
    : /Android/.test(ua)
      ? "Android"
      : /Mac OS X|Macintosh/.test(ua)
        ? "macOS"
        : /Windows/.test(ua)
          ? "Windows"
          : /Linux/.test(ua)
            ? "Linux"
            : null;
  if (browser && os) return `${browser} on ${os}`;
  if (browser || os) return (browser ?? os)!;
  return ua.trim() ? ua.slice(0, 60) : "An unknown device";
}

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function SessionsCard() {
  const queryClient = useQueryClient();
  const sessions = useQuery({
    queryKey: SESSIONS,
    queryFn: () => unwrap(api.GET("/api/v1/auth/sessions")),
  });
  const revoke = useMutation({
    mutationFn: (session: Session) =>
      unwrap(api.DELETE("/api/v1/auth/sessions/{session_id}", { params: { path: { session_id: session.id } } })),
    onMutate: async (session) => {
      await queryClient.cancelQueries({ queryKey: SESSIONS });
      const before = queryClient.getQueryData<Session[]>(SESSIONS);
      queryClient.setQueryData<Session[]>(SESSIONS, (old) => old?.filter((s) => s.id !== session.id));
      return { before };
    },
    onError: (_e, _s, ctx) => queryClient.setQueryData(SESSIONS, ctx?.before),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: SESSIONS }),
  });

  return (
    <Card title="Signed-in devices">
      <QueryState query={sessions} label="Loading your devices">
        {() => {
          const list = [...(sessions.data ?? [])].sort((a, b) =>
            a.current === b.current ? b.last_used_at.localeCompare(a.last_used_at) : a.current ? -1 : 1,
          );
          if (list.length === 0) return <Empty>No device is signed in.</Empty>;
          return (
            <ul aria-label="Signed-in devices" className="flex flex-col divide-y divide-stone-200">
              {list.map((s) => {
                const device = describeDevice(s.user_agent);
                return (
                  <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                    <div className="text-sm">
                      <p className="font-medium">
                        {device}
                        {s.current && (
                          <span className={cx("ml-2 rounded-full bg-brand-100 px-2 py-0.5 text-xs font-semibold text-brand-800")}>
                            This device
                          </span>
                        )}
                      </p>
                      <p className="text-muted">
                        Signed in {when(s.created_at)} · last active {when(s.last_used_at)}
                        {s.remember_me ? " · kept signed in" : ""}
                      </p>
                    </div>
                    {!s.current && (
                      <Button
                        variant="secondary"
                        aria-label={`Sign out ${device}, signed in ${when(s.created_at)}`}
                        onClick={() => revoke.mutate(s)}
                      >
                        Sign out
                      </Button>
                    )}
                  </li>
                );
              })}
            </ul>
          );
        }}
      </QueryState>
      <ErrorNote error={revoke.error} className="mt-2" />
    </Card>
  );
}
