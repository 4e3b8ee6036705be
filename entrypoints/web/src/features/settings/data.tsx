"use client";
/** The user's data: a copy of all of it, the newsletter, and erasing the account. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { api, signedOut, unwrap } from "@/api/client";
import { ApiError } from "@/api/problem";
import { Button, Card, Done, ErrorNote, formError, TextField } from "@/components/ui";
import { ME, type User } from "@/lib/auth";
import { todayIn } from "@/lib/days";
import { forForm } from "./fields";

/** Saves a JSON document as a file through the browser's download. */
function download(name: string, data: unknown): void {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ExportCard({ user }: { user: User }) {
  const exported = useMutation({
    mutationFn: async () => {
      const data = await unwrap(api.POST("/api/v1/users/me/export", {}));
      const name = `refocused-export-${todayIn(user.time_zone)}.json`;
      download(name, data);
      return name;
    },
  });
  return (
    <Card title="Your data">
      <p className="text-sm text-muted">
        Download everything ReFocused keeps for you (habits, journal, study cards, moods, goals and more) as one JSON
        file.
      </p>
      <div className="mt-3">
        <Button variant="secondary" busy={exported.isPending} onClick={() => exported.mutate()}>
          Download my data
        </Button>
      </div>
      {exported.data && <Done>Saved as {exported.data}.</Done>}
      <ErrorNote error={exported.error} className="mt-2" />
    </Card>
  );
}

/** The token of a newsletter mail's link (or the token itself, pasted alone). */
function tokenOf(link: string): string {
  const raw = link.trim();
  try {
    return new URL(raw).searchParams.get("token") ?? raw;
  } catch {
    return raw;
  }
}

const SUBSCRIPTION: Record<string, string> = {
  pending: "waiting for its confirmation link to be opened",
  subscribed: "subscribed",
  unsubscribed: "not subscribed",
};

/** Status and unsubscribe work with the signed link of a newsletter mail (the link, not the
 * session, proves the address), so they are reached by pasting one. */
function ManageNewsletter() {
  const [link, setLink] = useState("");
  const status = useMutation({
    mutationFn: (token: string) =>
      forForm(unwrap(api.GET("/api/v1/email/newsletter/status", { params: { query: { token } } }))),
  });
  const unsubscribe = useMutation({
    mutationFn: (token: string) =>
      forForm(unwrap(api.POST("/api/v1/email/newsletter/unsubscribe", { params: { query: { token } } }))),
    onSuccess: () => status.reset(),
  });
  const current = unsubscribe.data ?? status.data;
  const token = tokenOf(link);
  return (
    <details className="mt-3 text-sm">
      <summary className="cursor-pointer text-brand-800 underline">Check or stop it with a link from a newsletter</summary>
      <form
        className="mt-3 flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          unsubscribe.reset();
          status.mutate(token);
        }}
        noValidate
      >
        <TextField
          label="Unsubscribe link from a newsletter mail"
          name="newsletter_link"
          inputMode="url"
          value={link}
          onChange={(e) => setLink(e.target.value)}
          field="token"
          error={status.error ?? unsubscribe.error}
        />
        <ErrorNote error={formError(status.error ?? unsubscribe.error, ["token"])} />
        <div>
          <Button type="submit" variant="secondary" busy={status.isPending} disabled={!link.trim()}>
            Check the subscription
          </Button>
        </div>
        {current && (
          <div className="flex flex-wrap items-center gap-2">
            <Done>
              {current.email} is {SUBSCRIPTION[current.status] ?? current.status}.
            </Done>
            {current.status !== "unsubscribed" && (
              <Button variant="secondary" busy={unsubscribe.isPending} onClick={() => unsubscribe.mutate(token)}>
                Unsubscribe
              </Button>
            )}
          </div>
        )}
      </form>
    </details>
  );
}

export function NewsletterCard({ user }: { user: User }) {
  const subscribe = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/email/newsletter/subscribe", { body: { email: user.email } })),
  });
  return (
    <Card title="Newsletter">
      <p className="text-sm text-muted">
        An occasional letter with new features and ideas for focus. We mail <span className="break-all">{user.email}</span> a link first: nothing is sent
        until you open it. Every letter has a link to stop it.
      </p>
      <div className="mt-3">
        <Button variant="secondary" busy={subscribe.isPending} onClick={() => subscribe.mutate()}>
          Subscribe to the newsletter
        </Button>
      </div>
      {subscribe.isSuccess && (
        <Done className="mt-2">Check your inbox: the subscription starts when you open the link we sent to <span className="break-all">{user.email}</span>.</Done>
      )}
      <ErrorNote error={subscribe.error} className="mt-2" />
      <ManageNewsletter />
    </Card>
  );
}

export function DeleteAccountCard({ user }: { user: User }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const [typed, setTyped] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const regionId = useId();

  const erase = useMutation({
    mutationFn: () =>
      forForm(
        unwrap(
          api.DELETE("/api/v1/users/me", {
            body: user.has_password ? { password } : null,
          }),
        ),
        "password",
      ),
    onSuccess: () => {
      // As signing out does: the session is gone, and nothing of the account stays here.
      signedOut();
      queryClient.clear();
      queryClient.setQueryData(ME, null);
      try {
        localStorage.clear();
        sessionStorage.clear();
      } catch {
        /* storage may be unavailable */
      }
      router.replace("/signin/");
    },
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!user.has_password) {
      const ok = typed.trim().toLowerCase() === user.email.toLowerCase();
      setMismatch(!ok);
      if (!ok) return;
    }
    erase.mutate();
  }

  const emailError = mismatch
    ? new ApiError(422, { errors: [{ field: "email", message: `Type ${user.email} exactly to confirm.` }] })
    : null;

  return (
    <Card title="Delete account" className="border-red-200">
      <p className="text-sm text-muted">
        Erases your account and everything in it, at once and for good. Download your data first if you want to keep
        it.
      </p>
      {!open ? (
        <div className="mt-3">
          <Button variant="danger" aria-expanded={false} aria-controls={regionId} onClick={() => setOpen(true)}>
            Delete my account…
          </Button>
        </div>
      ) : (
        <form id={regionId} onSubmit={submit} className="mt-3 flex flex-col gap-4 rounded-lg border border-red-200 bg-red-50 p-4" noValidate>
          <p className="text-sm font-medium text-red-800">This cannot be undone.</p>
          {user.has_password ? (
            <TextField
              label="Your password, to confirm"
              name="password"
              type="password"
              autoComplete="current-password"
              autoFocus
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              field="password"
              error={erase.error}
            />
          ) : (
            <TextField
              label={`Type ${user.email} to confirm`}
              name="confirm_email"
              type="email"
              autoComplete="off"
              autoFocus
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              field="email"
              error={emailError}
            />
          )}
          <ErrorNote error={formError(erase.error, ["password"])} />
          <div className="flex flex-wrap gap-2">
            <Button type="submit" variant="danger" busy={erase.isPending}>
              Delete my account for good
            </Button>
            <Button
              variant="secondary"
              onClick={() => {
                setOpen(false);
                setPassword("");
                setTyped("");
                setMismatch(false);
                erase.reset();
              }}
            >
              Cancel
            </Button>
          </div>
        </form>
      )}
    </Card>
  );
}
