"use client";
import Link from "next/link";
import { useEffect, useState, type FormEvent } from "react";
import { api, unwrap } from "@/api/client";
import { Button, ErrorNote, TextField } from "@/components/ui";

export default function RegisterPage() {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);

  useEffect(() => {
    document.title = "Create an account · ReFocused";
  }, []);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = String(form.get("email"));
    setBusy(true);
    setError(null);
    try {
      await unwrap(
        api.POST("/api/v1/auth/register", {
          body: {
            email,
            password: String(form.get("password")),
            display_name: String(form.get("display_name") ?? "").trim() || undefined,
            time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
          },
        }),
      );
      setSentTo(email);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (sentTo) {
    return (
      <div role="status">
        <h1 className="mb-3 text-xl font-semibold">Check your inbox</h1>
        <p className="text-sm text-muted">
          If <strong className="text-ink">{sentTo}</strong> can be registered, your account is ready: sign in with it now. We
          also sent a link to confirm the address.
        </p>
        <Link href="/signin/" className="mt-4 inline-block text-brand-800 underline">
          Sign in
        </Link>
      </div>
    );
  }

  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Create an account</h1>
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <TextField label="Name" name="display_name" autoComplete="name" field="display_name" error={error} />
        <TextField label="Email" name="email" type="email" autoComplete="email" required field="email" error={error} />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          field="password"
          error={error}
          hint="At least 8 characters."
        />
        <ErrorNote error={error} />
        <Button type="submit" busy={busy}>
          Create account
        </Button>
      </form>
      <p className="mt-4 text-sm">
        Already have an account?{" "}
        <Link href="/signin/" className="text-brand-800 underline">
          Sign in
        </Link>
      </p>
    </>
  );
}
