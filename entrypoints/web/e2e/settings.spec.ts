import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { apiCall, expect, expectAccessible, screenshot, signIn, test } from "./fixtures";

/** At a phone's width (390 px) the screen fits without scrolling sideways. */
async function fitsAPhone(page: import("@playwright/test").Page, path: string, heading: string): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(path);
  await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await expectAccessible(page);
}

// The browser says it is in Tokyo, so the screen offers that zone (the account starts in UTC).
test.use({ timezoneId: "Asia/Tokyo" });

test("the display name and time zone are saved and still there after a reload", async ({ page, signedIn }) => {
  await page.goto("/settings/");
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await expect(page.getByLabel("Display name")).toHaveValue(signedIn.name);
  await expect(page.getByLabel("Time zone")).toHaveValue("UTC");
  await expect(page.getByRole("listitem").filter({ hasText: "This device" })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "settings");

  // A blank name is refused, in a sentence beside the field.
  await page.getByLabel("Display name").fill("   ");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByText("The display name cannot be empty.")).toBeVisible();
  await expect(page.getByLabel("Display name")).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page);

  await page.getByLabel("Display name").fill("Grace");
  await page.getByLabel("Time zone").selectOption("Europe/Paris");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Your profile was saved." })).toBeVisible();

  await page.reload();
  await expect(page.getByLabel("Display name")).toHaveValue("Grace");
  await expect(page.getByLabel("Time zone")).toHaveValue("Europe/Paris");
  const me = (await apiCall(page, "GET", "/auth/me")) as { display_name: string; time_zone: string };
  expect(me).toMatchObject({ display_name: "Grace", time_zone: "Europe/Paris" });

  // This device is in Tokyo: one click takes its zone.
  await page.getByRole("button", { name: "Use this device’s zone" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Your time zone is now Asia/Tokyo." })).toBeVisible();
  await expect(page.getByLabel("Time zone")).toHaveValue("Asia/Tokyo");
  await expect(page.getByRole("button", { name: "Use this device’s zone" })).toHaveCount(0);
  await page.reload();
  await expect(page.getByLabel("Time zone")).toHaveValue("Asia/Tokyo");
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Good to see you, Grace" })).toBeVisible();
  await fitsAPhone(page, "/settings/", "Settings");
});

/** The newest link to `path` in the mails the embedded server wrote for `to` (its outbox). */
function mailedLink(to: string, path: string): string | null {
  const outbox = join(process.env.E2E_DATA_DIR ?? "/tmp/refocused-e2e", "outbox");
  if (!existsSync(outbox)) return null;
  const mails = readdirSync(outbox)
    .filter((f) => f.endsWith(".eml"))
    .map((f) => join(outbox, f))
    .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs)
    .map((f) => readFileSync(f, "utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "="))
    .filter((m) => m.includes(`To: ${to}`) && m.includes(path));
  const found = mails.at(-1)?.match(new RegExp(`https?://\\S+${path}\\?token=\\S+`));
  return found ? found[0] : null;
}

test("the address is verified with the link sent again, and the newsletter asked for", async ({ page, signedIn }) => {
  await page.goto("/settings/");
  await expect(page.getByText("Not verified yet")).toBeVisible();
  const before = mailedLink(signedIn.email, "/verify-email");
  await page.getByRole("button", { name: "Send the link again" }).click();
  await expect(page.getByRole("status").filter({ hasText: `A new link is on its way to ${signedIn.email}.` })).toBeVisible();
  await expectAccessible(page);

  // The person opens the newest link from their inbox, then comes back to Settings.
  await expect.poll(() => { const l = mailedLink(signedIn.email, "/verify-email"); return l && l !== before ? l : null; }).not.toBeNull();
  await page.goto(mailedLink(signedIn.email, "/verify-email")!);
  await expect(page.getByRole("status").filter({ hasText: "Your address is confirmed." })).toBeVisible();
  await page.goto("/settings/");
  const address = page.getByText(`${signedIn.email} · `);
  await expect(address).toContainText("Verified");
  await expect(address).not.toContainText("Not verified");
  await expect(page.getByRole("button", { name: "Send the link again" })).toHaveCount(0);

  await page.getByRole("button", { name: "Subscribe to the newsletter" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Check your inbox" })).toBeVisible();
  await expect.poll(() => mailedLink(signedIn.email, "/newsletter/confirm")).not.toBeNull();

  // Status and unsubscribe go by a newsletter's own link: a wrong one is said beside the field.
  await page.getByText("Check or stop it with a link from a newsletter").click();
  const field = page.getByLabel("Unsubscribe link from a newsletter mail");
  await field.fill("http://127.0.0.1/api/v1/email/newsletter/unsubscribe?token=not-a-real-token");
  await page.getByRole("button", { name: "Check the subscription" }).click();
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page);
});

test("a password change needs the current password, and the new one signs in", async ({ page, signedIn }) => {
  await page.goto("/settings/");
  const newPassword = "a brand new passphrase";

  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("That is not your current password.")).toBeVisible();
  await expect(page.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/settings\//);

  await page.getByLabel("Current password").fill(signedIn.password);
  await page.getByLabel("New password").fill("short");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByLabel("New password")).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page);

  await page.getByLabel("New password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Your password was changed." })).toBeVisible();
  // This session goes on with its new tokens.
  await page.reload();
  await expect(page.getByLabel("Current password")).toBeVisible();
  await expect(page).toHaveURL(/\/settings\//);

  await page.getByRole("button", { name: "Sign out" }).first().click();
  await expect(page).toHaveURL(/\/signin\//);
  await page.getByLabel("Email").fill(signedIn.email);
  await page.getByLabel("Password").fill(signedIn.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("main form").getByRole("alert")).toContainText("do not match an account");
  await expect(page).toHaveURL(/\/signin\//);
  await page.getByLabel("Password").fill(newPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  // Back where the person signed out from.
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Signed-in devices" }).getByRole("listitem")).toHaveCount(1);
});

test("another device's session is signed out from the list", async ({ page, signedIn, browser, baseURL }) => {
  const other = await browser.newContext();
  await signIn(other.request, baseURL!, signedIn);
  expect((await other.request.get("/api/v1/auth/me")).status()).toBe(200);

  await page.goto("/settings/");
  const devices = page.getByRole("list", { name: "Signed-in devices" }).getByRole("listitem");
  await expect(devices).toHaveCount(2);
  const elsewhere = devices.filter({ hasNotText: "This device" });
  await elsewhere.getByRole("button", { name: /^Sign out/ }).click();
  await expect(devices).toHaveCount(1);
  await expect(devices.first()).toContainText("This device");
  await expectAccessible(page);

  expect((await other.request.get("/api/v1/auth/me")).status()).toBe(401);
  await page.reload();
  await expect(devices).toHaveCount(1);
  await other.close();
});

test("all of the account's data downloads as one JSON file", async ({ page, signedIn }) => {
  await apiCall(page, "POST", "/habits", { name: "Read 10 pages" });
  await page.goto("/settings/");
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download my data" }).click();
  const file = await downloading;
  expect(file.suggestedFilename()).toMatch(/^refocused-export-\d{4}-\d{2}-\d{2}\.json$/);
  const text = readFileSync((await file.path())!, "utf8");
  const data = JSON.parse(text) as unknown;
  expect(text).toContain(signedIn.email);
  expect(text).toContain("Read 10 pages");
  expect(data).toBeTruthy();
  await expect(page.getByRole("status").filter({ hasText: file.suggestedFilename() })).toBeVisible();
});

test("a deleted account is gone: its sign-in fails afterwards", async ({ page, signedIn }) => {
  await page.goto("/settings/");
  await page.getByRole("button", { name: "Delete my account…" }).click();
  await page.getByLabel("Your password, to confirm").fill("not my password");
  await page.getByRole("button", { name: "Delete my account for good" }).click();
  await expect(page.getByText("That is not your current password.")).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel("Your password, to confirm").fill(signedIn.password);
  await page.getByRole("button", { name: "Delete my account for good" }).click();
  await expect(page).toHaveURL(/\/signin\//);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

  await page.getByLabel("Email").fill(signedIn.email);
  await page.getByLabel("Password").fill(signedIn.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("main form").getByRole("alert")).toContainText("do not match an account");
  await expect(page).toHaveURL(/\/signin\//);
  const login = await page.request.post("/api/v1/auth/login", {
    data: { email: signedIn.email, password: signedIn.password },
    headers: { Origin: new URL(page.url()).origin },
  });
  expect(login.status()).toBe(401);
  await page.goto("/settings/");
  await expect(page).toHaveURL(/\/signin\//);
});
