"use client";
import Link from "next/link";
import { useEffect, useState, type FormEvent } from "react";
import { api, unwrap } from "@/api/client";
import { Button, ErrorNote, TextField } from "@/components/ui";

export default function ResetPasswordPage() {
  const [token, setToken] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  useEffect(() => {
    // The token arrives in the mailed link; keep it out of the address bar and history.
    const params = new URLSearchParams(window.location.search);
    setToken(params.get("token"));
    window.history.replaceState(null, "", window.location.pathname);
  }, []);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const newPassword = String(new FormData(e.currentTarget).get("new_password"));
    setBusy(true);
    setError(null);
    try {
      await unwrap(api.POST("/api/v1/auth/password-reset/confirm", { body: { token: token ?? "", new_password: newPassword } }));
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Choose a new password</h1>
      {done ? (
        <p role="status" className="text-sm">
          Your password is changed and every session is signed out.{" "}
          <Link href="/signin/" className="text-brand-800 underline">
            Sign in
          </Link>
        </p>
      ) : (
        <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
          <TextField label="New password" name="new_password" type="password" autoComplete="new-password" required field="new_password" error={error} hint="At least 8 characters." />
          <ErrorNote error={error} />
          <Button type="submit" busy={busy} disabled={!token}>
            Change password
          </Button>
        </form>
      )}
    </>
  );
}
