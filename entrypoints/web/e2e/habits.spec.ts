import type { Page } from "@playwright/test";
import { apiCall, expect, expectAccessible, newAccount, register, screenshot, signIn, test } from "./fixtures";

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** Today and yesterday as the API sees them for a user in UTC (the fixtures' time zone). */
function days() {
  const now = new Date();
  const today = now.toISOString().slice(0, 10);
  const yesterday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1)).toISOString().slice(0, 10);
  const weekday = (d: string) => (new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7;
  const long = (d: string) =>
    new Date(`${d}T00:00:00Z`).toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" });
  return { today, yesterday, todayName: WEEKDAYS[weekday(today)]!, yesterdayName: WEEKDAYS[weekday(yesterday)]!, long };
}

async function createHabit(page: Page, name: string, weekdays: string[]) {
  await page.getByRole("button", { name: "New habit" }).click();
  const form = page.getByRole("form", { name: "New habit" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("On chosen weekdays").check();
  for (const day of weekdays) await form.getByLabel(day, { exact: true }).check();
  await form.getByRole("button", { name: "Create habit" }).click();
  await expect(form).toBeHidden();
}

test("a habit on chosen weekdays is marked today in one tap, a past day from its calendar, and its streak shows", async ({ page, signedIn }) => {
  const { today, yesterday, todayName, yesterdayName, long } = days();
  await page.goto("/habits/");
  await expect(page.getByRole("heading", { name: "Habits", level: 1 })).toBeVisible();
  await expect(page.getByText("No habits yet")).toBeVisible();
  await expectAccessible(page);

  await page.getByRole("button", { name: "New habit" }).click();
  await page.getByRole("form", { name: "New habit" }).getByLabel("On chosen weekdays").check();
  await expectAccessible(page);
  // No weekday chosen: the API's sentence shows under the weekdays.
  await page.getByRole("form", { name: "New habit" }).getByLabel("Name").fill("Read 20 pages");
  await page.getByRole("button", { name: "Create habit" }).click();
  await expect(page.getByText(/weekday/i).filter({ hasText: /choose|least/i })).toBeVisible();
  await page.getByRole("button", { name: "Cancel" }).click();

  await createHabit(page, "Read 20 pages", [todayName, yesterdayName]);
  const tick = page.getByRole("button", { name: "Read 20 pages done today" });
  await expect(tick).toHaveAttribute("aria-pressed", "false");
  // The tick shows at once (optimistic); the API has it once the mark is answered.
  const marked = page.waitForResponse((r) => r.request().method() === "PUT" && r.url().includes("/days/"));
  await tick.click();
  await expect(tick).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByText("1 of 1 due done")).toBeVisible();
  expect((await marked).ok()).toBe(true);

  // The API stored it, and the Today page shows it done.
  const stored = (await apiCall(page, "GET", "/habits/dashboard")) as { habits: { done_today: boolean; habit: { schedule: { kind: string; weekdays: number[] } } }[] };
  expect(stored.habits[0]!.done_today).toBe(true);
  expect(stored.habits[0]!.habit.schedule.kind).toBe("weekdays");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Today" }).click();
  await expect(page.getByRole("button", { name: /Read 20 pages/ })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByRole("heading", { name: "Habits · 1 of 1 done" })).toBeVisible();

  // A past day, from the habit's month calendar.
  await page.goto("/habits/");
  await page.getByRole("link", { name: "Details of Read 20 pages" }).click();
  await expect(page).toHaveURL(/\?habit=/);
  await expect(page.getByRole("heading", { name: "Read 20 pages" })).toBeVisible();
  await expect(page.getByText("Current streak")).toBeVisible();
  // Today is in the calendar, already done; a day to come cannot be marked.
  await expect(page.getByRole("button", { name: new RegExp(`^${long(today)}, today, done`) })).toHaveAttribute("aria-pressed", "true");
  const tomorrow = new Date(Date.UTC(+today.slice(0, 4), +today.slice(5, 7) - 1, +today.slice(8) + 1)).toISOString().slice(0, 10);
  if (tomorrow.slice(0, 7) === today.slice(0, 7)) {
    await expect(page.getByRole("button", { name: new RegExp(`^${long(tomorrow)},`) })).toHaveAttribute("aria-disabled", "true");
  }
  if (yesterday.slice(0, 7) !== today.slice(0, 7)) await page.getByRole("button", { name: "Previous month" }).click();
  const past = page.getByRole("button", { name: new RegExp(`^${long(yesterday)},`) });
  await expect(past).toHaveAttribute("aria-pressed", "false");
  await past.click();
  await expect(past).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByRole("definition").filter({ hasText: "2 days" }).first()).toBeVisible();
  await expectAccessible(page);
  await expect(page.getByRole("img", { name: "Completion by weekday" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Completion rate over time" })).toContainText("7 days");
  await screenshot(page, "habits");

  const streak = (await apiCall(page, "GET", `/habits/${new URL(page.url()).searchParams.get("habit")}/streak`)) as { current: number };
  expect(streak.current).toBe(2);
  expect(signedIn.email).toContain("@");

  // A mark made by mistake is undone the same way.
  await past.click();
  await expect(past).toHaveAttribute("aria-pressed", "false");
  await expect(page.getByRole("definition").filter({ hasText: /^1 day$/ }).first()).toBeVisible();
});

test("a mark the API refuses is rolled back and said in a sentence", async ({ page, signedIn }) => {
  await apiCall(page, "POST", "/habits", { name: "Stretch" });
  await page.goto("/habits/");
  const tick = page.getByRole("button", { name: "Stretch done today" });
  await expect(tick).toHaveAttribute("aria-pressed", "false");
  await page.route("**/api/v1/habits/*/days/*", (route) =>
    route.fulfill({ status: 503, contentType: "application/problem+json", body: JSON.stringify({ title: "Unavailable", detail: "habits are resting" }) }),
  );
  await tick.click();
  await expect(page.getByRole("alert").filter({ hasText: "Habits are resting." })).toBeVisible();
  await expect(tick).toHaveAttribute("aria-pressed", "false");
  expect(signedIn.name).toBeTruthy();
});

test("a habit is edited, made a favourite, archived, restored and deleted after confirmation", async ({ page, signedIn }) => {
  await apiCall(page, "POST", "/habits", { name: "Walk" });
  await page.goto("/habits/");
  await page.getByRole("link", { name: "Details of Walk" }).click();
  await page.getByRole("button", { name: "Edit" }).click();
  const form = page.getByRole("form", { name: "Edit Walk" });
  await form.getByLabel("Name").fill("Walk outside");
  await form.getByLabel("A number of times a week").check();
  await form.getByLabel("Times a week", { exact: true }).selectOption("3");
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("3 times a week").first()).toBeVisible();
  await expect(page.getByRole("heading", { name: "Walk outside" })).toBeVisible();

  await page.getByRole("button", { name: "☆ Make favourite" }).click();
  await expect(page.getByRole("button", { name: "★ Favourite" })).toHaveAttribute("aria-pressed", "true");
  await page.getByRole("button", { name: "Archive" }).click();
  await expect(page.getByRole("button", { name: "Restore from archive" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Walk outside done today" })).toBeHidden();
  await page.getByRole("button", { name: "Show archived habits (1)" }).click();
  await expect(page.getByRole("link", { name: "Details of Walk outside" })).toBeVisible();
  await page.getByRole("button", { name: "Restore from archive" }).click();
  await expect(page.getByRole("button", { name: "Walk outside done today" })).toBeVisible();

  await page.getByRole("button", { name: "Delete…" }).click();
  await expect(page.getByText("Delete “Walk outside” and all its history?")).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("button", { name: "Keep it" }).click();
  await page.getByRole("button", { name: "Delete…" }).click();
  await page.getByRole("button", { name: "Delete habit" }).click();
  await expect(page).not.toHaveURL(/\?habit=/);
  await expect(page.getByText("No habits yet")).toBeVisible();
  expect(await apiCall(page, "GET", "/habits?include_archived=true")).toEqual([]);
  expect(signedIn.email).toBeTruthy();
});

test("another user never sees the first user's habits", async ({ page, signedIn, browser, baseURL }) => {
  await apiCall(page, "POST", "/habits", { name: "Private habit" });
  await page.goto("/habits/");
  await expect(page.getByRole("button", { name: "Private habit done today" })).toBeVisible();
  const habitId = ((await apiCall(page, "GET", "/habits")) as { id: string }[])[0]!.id;

  const other = await browser.newContext({ baseURL });
  const second = await other.newPage();
  const account = newAccount("Bea");
  await register(second.request, baseURL!, account);
  await signIn(second.request, baseURL!, account);
  await second.goto("/habits/");
  await expect(second.getByText("No habits yet")).toBeVisible();
  await expect(second.getByText("Private habit")).toHaveCount(0);
  // Not even by its id.
  await second.goto(`/habits/?habit=${habitId}`);
  await expect(second.getByRole("alert").filter({ hasText: "no longer exists" })).toBeVisible();
  await other.close();
  expect(signedIn.email).not.toBe(account.email);
});

test("habits and the calendar fit a phone's width", async ({ page, signedIn }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const habit = (await apiCall(page, "POST", "/habits", { name: "Drink water", schedule: { kind: "times_per_week", times_per_week: 5 } })) as { id: string };
  await page.goto(`/habits/?habit=${habit.id}`);
  await expect(page.getByText("5 times a week").first()).toBeVisible();
  await expect(page.getByRole("img", { name: "Completion by weekday" })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: "test-results/screens/habits-phone.png", fullPage: true });
  await page.goto("/calendar/");
  await expect(page.getByRole("button", { name: /, today/ })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: "test-results/screens/calendar-phone.png", fullPage: true });
  expect(signedIn.email).toBeTruthy();
});
