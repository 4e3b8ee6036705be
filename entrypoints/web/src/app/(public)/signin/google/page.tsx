"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { api, signedIn, unwrap } from "@/api/client";
import { ErrorNote, Loading } from "@/components/ui";
import { ME } from "@/lib/auth";
import { googleReturn } from "@/lib/google";
import { safeNext } from "@/lib/paths";
import { ApiError } from "@/api/problem";

const REFUSED = "Google's answer could not be checked, so you are not signed in. Try again.";

export default function GoogleReturnPage() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    document.title = "Signing in with Google · ReFocused";
    const back = googleReturn();
    if ("error" in back) {
      setError(new Error(back.error));
      return;
    }
    unwrap(api.POST("/api/v1/auth/google", { body: { id_token: back.idToken } }))
      .then((body) => {
        signedIn(body.csrf_token, body.access_expires_in);
        queryClient.clear();
        queryClient.setQueryData(ME, body.user);
        router.replace(safeNext(back.next));
      })
      .catch((err) =>
        // 401 here is Google's token refused, not an ended session of ours.
        setError(err instanceof ApiError && err.status === 401 ? new Error(REFUSED) : err),
      );
  }, [queryClient, router]);

  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Signing in with Google</h1>
      {error ? <ErrorNote error={error} /> : <Loading label="Signing you in" />}
      {error ? (
        <Link href="/signin/" className="mt-4 inline-block text-sm text-brand-800 underline">
          Back to sign in
        </Link>
      ) : null}
    </>
  );
}
