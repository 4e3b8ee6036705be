/** Google sign-in by redirect: no Google script runs on our pages (the CSP admits none). The
 * page gets a nonce from the API (its verifier stays in an HttpOnly cookie), sends the browser
 * to Google for an ID token carrying that nonce, and /signin/google/ posts the token back. */
import { api, unwrap } from "@/api/client";

const STATE_KEY = "rf_google_state";
export const GOOGLE_AUTH = "https://accounts.google.com/o/oauth2/v2/auth";

export async function startGoogleSignIn(clientId: string, next: string): Promise<void> {
  const { nonce } = await unwrap(api.POST("/api/v1/auth/google/nonce", {}));
  const state = crypto.randomUUID();
  sessionStorage.setItem(STATE_KEY, JSON.stringify({ state, next }));
  const params = new URLSearchParams({
    client_id: clientId,
    response_type: "id_token",
    scope: "openid email profile",
    redirect_uri: `${window.location.origin}/signin/google/`,
    nonce,
    state,
    prompt: "select_account",
  });
  window.location.assign(`${GOOGLE_AUTH}?${params}`);
}

/** The ID token Google sent back in the fragment, when its state is the one this tab sent. */
export function googleReturn(): { idToken: string; next: string } | { error: string } {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  window.history.replaceState(null, "", window.location.pathname);
  const saved = sessionStorage.getItem(STATE_KEY);
  sessionStorage.removeItem(STATE_KEY);
  const expected = saved ? (JSON.parse(saved) as { state: string; next: string }) : null;
  if (fragment.get("error")) return { error: "Google sign-in was cancelled or refused. Try again." };
  const idToken = fragment.get("id_token");
  if (!idToken || !expected || fragment.get("state") !== expected.state) {
    return { error: "This sign-in did not start here, or it expired. Start again from the sign-in page." };
  }
  return { idToken, next: expected.next };
}
