"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { Button, ErrorNote, TextField } from "@/components/ui";
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { useAuth } from "@/lib/auth";
import { startGoogleSignIn } from "@/lib/google";
import { safeNext } from "@/lib/paths";
import { ApiError } from "@/api/problem";

const WRONG = "That email and password do not match an account. Check both and try again.";

export default function SignInPage() {
  const { signIn, user } = useAuth();
  const router = useRouter();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [next, setNext] = useState("/");

  useEffect(() => {
    document.title = "Sign in · ReFocused";
    setNext(safeNext(new URLSearchParams(window.location.search).get("next")));
  }, []);
  useEffect(() => {
    if (user) router.replace(next);
  }, [user, next, router]);

  const providers = useQuery({
    queryKey: ["auth", "providers"],
    queryFn: () => unwrap(api.GET("/api/v1/auth/providers")),
    staleTime: Infinity,
  });
  const googleId = providers.data?.google_client_id;

  async function google() {
    setError(null);
    try {
      await startGoogleSignIn(googleId!, next);
    } catch (err) {
      setError(err);
    }
  }

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await signIn(String(form.get("email")), String(form.get("password")), form.get("remember") === "on");
      router.replace(next);
    } catch (err) {
      // A 401 here is the pair that did not match, not an ended session.
      setError(err instanceof ApiError && err.status === 401 ? new Error(WRONG) : err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Sign in</h1>
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <TextField label="Email" name="email" type="email" autoComplete="email" required field="email" error={error} />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" required field="password" error={error} />
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="remember" className="size-4" /> Keep me signed in
        </label>
        <ErrorNote error={error} />
        <Button type="submit" busy={busy}>
          Sign in
        </Button>
      </form>
      {googleId && (
        <Button variant="secondary" className="mt-3 w-full" onClick={() => void google()}>
          Continue with Google
        </Button>
      )}
      <div className="mt-4 flex justify-between text-sm">
        <Link href="/register/" className="text-brand-800 underline">
          Create an account
        </Link>
        <Link href="/forgot-password/" className="text-brand-800 underline">
          Forgot password?
        </Link>
      </div>
    </>
  );
}
