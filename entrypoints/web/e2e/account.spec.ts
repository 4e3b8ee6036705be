import { expect, expectAccessible, mailedLink, newAccount, register, screenshot, test } from "./fixtures";

test("a visitor registers, signs in and lands on Today", async ({ page }) => {
  const account = newAccount("Ada");
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin\//);
  await expectAccessible(page);
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.getByLabel("Name").fill(account.name);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await expectAccessible(page);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your inbox" })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("link", { name: "Sign in" }).click();
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Good to see you, Ada" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Quote of the day" })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "today");
});

test("a wrong password is said next to the form, in a sentence", async ({ page, baseURL }) => {
  const account = newAccount();
  const { register } = await import("./fixtures");
  await register(page.request, baseURL!, account);
  await page.goto("/signin/");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText(
    "That email and password do not match an account. Check both and try again.",
  );
  await expect(page).toHaveURL(/\/signin\//);
});

test("an expired access token is refreshed without the user noticing", async ({ page, signedIn }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: /Good to see you/ })).toBeVisible();
  // The access cookie is gone (as when it expires); the refresh cookie is still there.
  await page.context().clearCookies({ name: "rf_access" });
  const refreshed = page.waitForResponse((r) => r.url().endsWith("/api/v1/auth/refresh"));
  await page.reload();
  expect((await refreshed).status()).toBe(200);
  await expect(page.getByRole("heading", { name: /Good to see you/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Quote of the day" })).toBeVisible();
  await expect(page).not.toHaveURL(/signin/);
  expect((await page.context().cookies()).map((c) => c.name)).toContain("rf_access");
  expect(signedIn.email).toContain("@");
});

test("the session is refreshed before the access token expires", async ({ page, baseURL }) => {
  const account = newAccount();
  await register(page.request, baseURL!, account);
  const refreshes: number[] = [];
  page.on("response", (r) => {
    if (r.url().endsWith("/api/v1/auth/refresh")) refreshes.push(r.status());
  });
  await page.clock.install();
  await page.goto("/signin/");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: /Good to see you/ })).toBeVisible();
  // The access token lives 15 minutes; the refresh comes about a minute before, with nobody
  // clicking anything, and nothing is refreshed before that.
  await page.clock.runFor(13 * 60 * 1000);
  expect(refreshes).toEqual([]);
  await page.clock.runFor(2 * 60 * 1000);
  await expect.poll(() => refreshes).toEqual([200]);
  // A reload refreshes nothing (a reload cut through a refresh would lose the rotated
  // cookie); the timer picks up from the stored expiry.
  await page.reload();
  await expect(page.getByRole("heading", { name: /Good to see you/ })).toBeVisible();
  expect(refreshes).toEqual([200]);
  await page.clock.runFor(15 * 60 * 1000);
  await expect.poll(() => refreshes).toEqual([200, 200]);
  await page.getByRole("link", { name: "Habits" }).first().click();
  await expect(page).toHaveURL(/\/habits\//);
});

test("signing out ends the session and shows sign-in", async ({ page, signedIn }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: /Good to see you/ })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).first().click();
  await expect(page).toHaveURL(/\/signin\//);
  await page.goto("/habits/");
  await expect(page).toHaveURL(/\/signin\//);
  expect(signedIn.email).toBeTruthy();
});

test("a forgotten password is reset from the mailed link", async ({ page, baseURL }) => {
  const account = newAccount();
  await register(page.request, baseURL!, account);
  await page.goto("/signin/");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expectAccessible(page);
  await page.getByLabel("Email").fill(account.email);
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByRole("status")).toContainText("on its way");
  const link = await mailedLink(account.email, /reset/i);
  expect(link).toContain("/reset-password?token=");
  await page.goto(link);
  // The token leaves the address bar at once (no history, no Referer).
  await expect(page).not.toHaveURL(/token=/);
  await page.getByLabel("New password").fill("short");
  await page.getByRole("button", { name: "Change password" }).click();
  // The decoder's own words ("Expected `str` of length >= 8") become a sentence.
  await expect(page.getByText("Use at least 8 characters.").first()).toBeVisible();
  await expect(page.locator("form").getByRole("alert")).toHaveText("New password: Use at least 8 characters.");
  await page.getByLabel("New password").fill("a brand new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status")).toContainText("Your password is changed");
  await expectAccessible(page);
  await page.getByRole("link", { name: "Sign in" }).click();
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill("a brand new passphrase");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: /Good to see you/ })).toBeVisible();
});

test("the address is confirmed from the mailed link", async ({ page, signedIn }) => {
  const link = await mailedLink(signedIn.email, /verify/i);
  await page.goto(link);
  await expect(page.getByRole("status")).toHaveText("Your address is confirmed. Thank you.");
  await expectAccessible(page);
  await expect(page).not.toHaveURL(/token=/);
  const me = (await (await page.request.get("/api/v1/auth/me")).json()) as { email_verified: boolean };
  expect(me.email_verified).toBe(true);
});

test("Google sign-in goes to Google with a fresh nonce, and a token Google did not sign is refused", async ({ page, baseURL }) => {
  let asked: URL | undefined;
  // Google is not reachable from the tests: its sign-in page answers at once with a token
  // that is not Google's, as an attacker's would be.
  await page.route("https://accounts.google.com/**", async (route) => {
    asked = new URL(route.request().url());
    await route.fulfill({
      status: 302,
      headers: { location: `${baseURL}/signin/google/#id_token=not.a.google-token&state=${asked.searchParams.get("state")}` },
    });
  });
  await page.goto("/signin/?next=/habits/");
  await page.getByRole("button", { name: "Continue with Google" }).click();
  await expect(page.getByRole("heading", { name: "Signing in with Google" })).toBeVisible();
  await expect(page.locator("main").getByRole("alert")).toHaveText(
    "Google's answer could not be checked, so you are not signed in. Try again.",
  );
  expect(asked?.origin + asked!.pathname).toBe("https://accounts.google.com/o/oauth2/v2/auth");
  expect(asked!.searchParams.get("client_id")).toBe("refocused-e2e.apps.googleusercontent.com");
  expect(asked!.searchParams.get("response_type")).toBe("id_token");
  expect(asked!.searchParams.get("redirect_uri")).toBe(`${baseURL}/signin/google/`);
  expect(asked!.searchParams.get("nonce")).toMatch(/^[\w-]{16,}$/);
  // The token left the address bar; nobody is signed in.
  await expect(page).not.toHaveURL(/id_token/);
  expect((await page.request.get("/api/v1/auth/me")).status()).toBe(401);
  await expectAccessible(page);
});

test("a Google answer that did not start in this tab is not used", async ({ page }) => {
  await page.goto("/signin/google/#id_token=whatever&state=forged");
  await expect(page.locator("main").getByRole("alert")).toContainText("did not start here");
  await expect(page.getByRole("link", { name: "Back to sign in" })).toBeVisible();
});
