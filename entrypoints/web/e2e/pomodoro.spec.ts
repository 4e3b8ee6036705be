import type { Page } from "@playwright/test";
import { apiCall, expect, expectAccessible, screenshot, test } from "./fixtures";

/** Hides or shows the page as a browser does for a background tab or a sleeping laptop. */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((h) => {
    Object.defineProperty(document, "hidden", { configurable: true, get: () => h });
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (h ? "hidden" : "visible") });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

const timer = (page: Page) => page.getByRole("timer", { name: "Time remaining" });
const stat = (page: Page, label: string) =>
  page.locator("dl > div", { has: page.getByText(label, { exact: true }) }).locator("dd");

test("a focus session starts and counts down from the server's start time", async ({ page, signedIn }) => {
  await page.goto("/pomodoro/");
  await expect(page.getByRole("heading", { name: "Pomodoro" })).toBeVisible();
  await expect(page.getByRole("button", { name: /^Focus/ })).toHaveAttribute("aria-pressed", "true");
  await expect(timer(page)).toHaveText("25:00");
  await expectAccessible(page);

  await page.getByRole("button", { name: "Start focus" }).click();
  await expect(page.getByRole("heading", { name: "Focus in progress" })).toBeVisible();
  await expect(page.getByText("Focus started: 25 minutes.")).toBeVisible();
  await expect(timer(page)).toHaveText(/^24:5\d$/);
  const current = (await apiCall(page, "GET", "/pomodoro/current")) as { session: { status: string; kind: string } };
  expect(current.session).toMatchObject({ status: "running", kind: "focus" });
  await expectAccessible(page);
  expect(signedIn.email).toContain("@");
});

test("the timer runs on while the page is hidden and is right when it is shown again", async ({ page, signedIn }) => {
  await page.clock.install();
  await page.goto("/pomodoro/");
  await page.getByRole("button", { name: "Start focus" }).click();
  await expect(page.getByRole("heading", { name: "Focus in progress" })).toBeVisible();
  await expect(timer(page)).toHaveText(/^24:[45]\d$/);
  // From here the page's clock moves only when the test moves it.
  await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1000));

  await setHidden(page, true);
  const shownWhenHidden = await timer(page).textContent();
  await page.clock.fastForward("10:00");
  // Nothing refreshes while hidden (no work for a background tab)...
  await expect(timer(page)).toHaveText(shownWhenHidden!);
  // ...and the time is computed again, not counted, as soon as the page is visible.
  await setHidden(page, false);
  await expect(timer(page)).toHaveText(/^14:[345]\d$/);
  await expect(page.getByRole("heading", { name: "Focus in progress" })).toBeVisible();
  await page.clock.resume();
  expect(signedIn.email).toContain("@");
});

test("a reload keeps the running session", async ({ page, signedIn }) => {
  await page.goto("/pomodoro/");
  await page.getByRole("button", { name: "Start focus" }).click();
  await expect(timer(page)).toHaveText(/^24:5\d$/);
  const stored = await page.evaluate(() => localStorage.getItem("rf_pomodoro_running"));
  const current = (await apiCall(page, "GET", "/pomodoro/current")) as { session: { id: string } };
  expect(JSON.parse(stored!).session.id).toBe(current.session.id);

  // After a reload the timer shows at once from this browser's memory, before the server answers.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/v1/pomodoro/current", async (route) => {
    await held;
    await route.continue();
  });
  await page.reload();
  await expect(page.getByRole("heading", { name: "Focus in progress" })).toBeVisible();
  await expect(timer(page)).toHaveText(/^24:[45]\d$/);
  // Then the server's answer confirms it.
  const answered = page.waitForResponse("**/api/v1/pomodoro/current");
  release();
  expect((await answered).ok()).toBeTruthy();
  await expect(page.getByRole("heading", { name: "Focus in progress" })).toBeVisible();
  await expect(timer(page)).toHaveText(/^24:[345]\d$/);
  await expect(page.getByRole("button", { name: "Abandon" })).toBeVisible();
  expect(signedIn.email).toContain("@");
});

test("a session completes through the API when its time is up and the stats show it", async ({ page, signedIn }) => {
  await page.clock.install();
  await page.goto("/pomodoro/");
  await expect(stat(page, "Sessions today")).toHaveText("0");
  await page.getByRole("button", { name: "Start focus" }).click();
  await expect(page.getByRole("heading", { name: "Focus in progress" })).toBeVisible();

  await page.clock.fastForward("25:02");
  await expect(page.getByText("Focus complete. Next: short break, 5 minutes.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Ready when you are" })).toBeVisible();
  await expect(page.getByRole("button", { name: /^Short break/ })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByRole("button", { name: "Start short break" })).toBeVisible();
  await expect(timer(page)).toHaveText("05:00");
  await expect(stat(page, "Sessions today")).toHaveText("1");
  await expect(page.getByRole("list", { name: "Latest sessions" })).toContainText("Focus · completed");
  await expect(page.getByRole("img", { name: /Focus minutes, last 7 days/ })).toBeVisible();

  const sessions = (await apiCall(page, "GET", "/pomodoro/sessions")) as { status: string; kind: string }[];
  expect(sessions[0]).toMatchObject({ kind: "focus", status: "completed" });
  expect(await page.evaluate(() => localStorage.getItem("rf_pomodoro_running"))).toBeNull();
  await expectAccessible(page);
  expect(signedIn.email).toContain("@");
});

test("the next kind follows the settings, and a break can start by itself", async ({ page, signedIn }) => {
  await apiCall(page, "PATCH", "/pomodoro/settings", { long_break_every: 1, long_break_minutes: 20, auto_start_breaks: true });
  await page.clock.install();
  await page.goto("/pomodoro/");
  await page.getByRole("button", { name: "Start focus" }).click();
  await expect(page.getByRole("heading", { name: "Focus in progress" })).toBeVisible();
  await page.clock.fastForward("25:02");
  await expect(page.getByRole("heading", { name: "Long break in progress" })).toBeVisible();
  await expect(page.getByText("Long break started: 20 minutes.")).toBeVisible();
  await expect(timer(page)).toHaveText(/^(20:00|19:5\d)$/);
  const current = (await apiCall(page, "GET", "/pomodoro/current")) as { session: { kind: string; status: string } };
  expect(current.session).toMatchObject({ kind: "long_break", status: "running" });
  await expectAccessible(page);
  expect(signedIn.email).toContain("@");
});

test("a one-minute session on the real clock completes by itself and credits its full minute", async ({ page, signedIn }) => {
  test.slow();
  await apiCall(page, "PATCH", "/pomodoro/settings", { focus_minutes: 1 });
  await page.goto("/pomodoro/");
  await page.getByRole("button", { name: "Start focus" }).click();
  await expect(page.getByText("Focus started: 1 minute.")).toBeVisible();
  await expect(timer(page)).toHaveText(/^00:5\d$/);
  await expect(page.getByText("Focus complete. Next: short break, 5 minutes.")).toBeVisible({ timeout: 90_000 });
  await expect(stat(page, "Focus minutes today")).toHaveText("1");
  await expect(page.getByRole("img", { name: /Focus minutes, last 7 days: .* 1 minute, 1 session$/ })).toBeVisible();
  const sessions = (await apiCall(page, "GET", "/pomodoro/sessions")) as { status: string; actual_seconds: number }[];
  expect(sessions[0]!.status).toBe("completed");
  expect(sessions[0]!.actual_seconds).toBeGreaterThanOrEqual(60);
  await screenshot(page, "pomodoro");
  expect(signedIn.email).toContain("@");
});

test("a session running elsewhere can be replaced; tasks are counted; abandoning does not count", async ({ page, signedIn }) => {
  await page.goto("/pomodoro/");
  await expect(page.getByRole("button", { name: "Start focus" })).toBeEnabled();
  // Another device starts a break meanwhile.
  const other = (await apiCall(page, "POST", "/pomodoro/sessions", { kind: "short_break" })) as { id: string };

  await page.getByRole("button", { name: "Start focus" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Another session is already running" })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("button", { name: "Replace it with a new focus" }).click();
  await expect(page.getByRole("heading", { name: "Focus in progress" })).toBeVisible();
  const replaced = (await apiCall(page, "GET", `/pomodoro/sessions/${other.id}`)) as { status: string };
  expect(replaced.status).toBe("abandoned");

  await page.getByLabel("New task").fill("Outline the essay");
  await page.getByRole("button", { name: "Add task" }).click();
  await page.getByRole("checkbox", { name: "Outline the essay" }).check();
  await expect(page.getByRole("heading", { name: /Tasks for this session · 1 done/ })).toBeVisible();
  await expect(page.getByRole("checkbox", { name: /Outline the essay/ })).toBeDisabled();
  await expect
    .poll(async () => ((await apiCall(page, "GET", "/pomodoro/current")) as { session: { tasks_done: number } }).session.tasks_done)
    .toBe(1);
  await expectAccessible(page);

  await page.getByRole("button", { name: "Abandon" }).click();
  await expect(page.getByText("Focus abandoned. It does not count.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Ready when you are" })).toBeVisible();
  await expect(stat(page, "Sessions today")).toHaveText("0");
  const current = (await apiCall(page, "GET", "/pomodoro/current")) as { session: unknown };
  expect(current.session).toBeNull();
  expect(signedIn.email).toContain("@");
});

test("changed settings persist and set the next session's length", async ({ page, signedIn }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/pomodoro/");
  await expect(timer(page)).toHaveText("25:00");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  const focus = page.getByLabel("Focus length (minutes)");
  await expect(focus).toHaveValue("25");

  await focus.fill("0");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(focus).toHaveAttribute("aria-invalid", "true");

  await focus.fill("50");
  await page.getByLabel("Short break (minutes)").fill("10");
  await page.getByLabel("Start breaks automatically when a focus session ends").check();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await expect(timer(page)).toHaveText("50:00");
  await expectAccessible(page);

  await page.reload();
  await expect(page.getByLabel("Focus length (minutes)")).toHaveValue("50");
  await expect(page.getByLabel("Short break (minutes)")).toHaveValue("10");
  await expect(page.getByLabel("Start breaks automatically when a focus session ends")).toBeChecked();
  await expect(page.getByRole("button", { name: /^Focus · 50 min/ })).toBeVisible();
  const settings = (await apiCall(page, "GET", "/pomodoro/settings")) as { focus_minutes: number; auto_start_breaks: boolean };
  expect(settings).toMatchObject({ focus_minutes: 50, short_break_minutes: 10, auto_start_breaks: true });
  expect(signedIn.email).toContain("@");
});
