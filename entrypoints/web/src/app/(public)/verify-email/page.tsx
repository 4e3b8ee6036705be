"use client";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { api, unwrap } from "@/api/client";
import { ErrorNote, Loading } from "@/components/ui";

export default function VerifyEmailPage() {
  const [state, setState] = useState<"working" | "done" | "failed">("working");
  const [error, setError] = useState<unknown>(null);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const token = new URLSearchParams(window.location.search).get("token") ?? "";
    window.history.replaceState(null, "", window.location.pathname);
    unwrap(api.POST("/api/v1/auth/verify-email/confirm", { body: { token } }))
      .then(() => setState("done"))
      .catch((err) => {
        setError(err);
        setState("failed");
      });
  }, []);

  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Confirm your address</h1>
      {state === "working" && <Loading label="Confirming" />}
      {state === "done" && <p role="status">Your address is confirmed. Thank you.</p>}
      {state === "failed" && <ErrorNote error={error} />}
      <Link href="/" className="mt-4 inline-block text-sm text-brand-800 underline">
        Go to ReFocused
      </Link>
    </>
  );
}
