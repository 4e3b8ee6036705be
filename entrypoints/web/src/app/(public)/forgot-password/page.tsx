"use client";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { api, unwrap } from "@/api/client";
import { Button, ErrorNote, TextField } from "@/components/ui";

export default function ForgotPasswordPage() {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const email = String(new FormData(e.currentTarget).get("email"));
    setBusy(true);
    setError(null);
    try {
      await unwrap(api.POST("/api/v1/auth/password-reset/request", { body: { email } }));
      setSent(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Reset your password</h1>
      {sent ? (
        <p role="status" className="text-sm text-muted">
          If that address has an account, a link to choose a new password is on its way. It works once, for 30 minutes.
        </p>
      ) : (
        <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
          <TextField label="Email" name="email" type="email" autoComplete="email" required field="email" error={error} />
          <ErrorNote error={error} />
          <Button type="submit" busy={busy}>
            Send the link
          </Button>
        </form>
      )}
      <Link href="/signin/" className="mt-4 inline-block text-sm text-brand-800 underline">
        Back to sign in
      </Link>
    </>
  );
}
