import { apiCall, expect, expectAccessible, screenshot, test } from "./fixtures";

function dayInfo(offset: number) {
  const now = new Date();
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offset)).toISOString().slice(0, 10);
  const long = new Date(`${day}T00:00:00Z`).toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" });
  const month = new Date(`${day}T00:00:00Z`).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
  return { day, long, month };
}

test("the month shows the days a habit was marked and the day view lists it", async ({ page, signedIn }) => {
  const today = dayInfo(0);
  const yesterday = dayInfo(-1);
  const habit = (await apiCall(page, "POST", "/habits", { name: "Meditate" })) as { id: string };
  await apiCall(page, "PUT", `/habits/${habit.id}/days/${yesterday.day}`);

  await page.goto("/calendar/");
  await expect(page.getByRole("heading", { name: "Calendar", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: today.month })).toBeVisible();
  const todayButton = page.getByRole("button", { name: new RegExp(`^${today.long}, today`) });
  await expect(todayButton).toHaveAttribute("aria-current", "date");
  await expect(todayButton).toHaveAttribute("aria-pressed", "true");
  // The day view opens on today: the habit is there, not done yet.
  const dayView = page.getByRole("heading", { name: `${today.long} (today)` }).locator("xpath=ancestor::section[1]");
  await expect(dayView.getByRole("link", { name: "Meditate" })).toBeVisible();
  await expect(dayView.getByText("not done")).toBeVisible();
  await expectAccessible(page);

  // Mark today from the habits screen; the calendar shows it.
  await page.goto("/habits/");
  await page.getByRole("button", { name: "Meditate done today" }).click();
  await expect(page.getByRole("button", { name: "Meditate done today" })).toHaveAttribute("aria-pressed", "true");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Calendar" }).click();
  await expect(page.getByRole("button", { name: new RegExp(`^${today.long}, today, 1 habit done`) })).toBeVisible();
  await expect(dayView.getByText("Habits · 1 done")).toBeVisible();

  // The keyboard moves to yesterday (perhaps in the previous month) and opens it.
  await page.getByRole("button", { name: new RegExp(`^${today.long}, today`) }).focus();
  await page.keyboard.press("ArrowLeft");
  const past = page.getByRole("button", { name: new RegExp(`^${yesterday.long}, 1 habit done`) });
  await expect(past).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(past).toHaveAttribute("aria-pressed", "true");
  await expect(page).toHaveURL(new RegExp(`day=${yesterday.day}`));
  const pastView = page.getByRole("heading", { name: yesterday.long, exact: true }).locator("xpath=ancestor::section[1]");
  await expect(pastView.getByText("Habits · 1 done")).toBeVisible();
  await expect(pastView.getByRole("link", { name: "Meditate" })).toBeVisible();
  await screenshot(page, "calendar");

  // Previous and next month.
  await page.getByRole("button", { name: "Go to today" }).click();
  await page.getByRole("button", { name: "Next month" }).click();
  const d = new Date(`${today.day}T00:00:00Z`);
  const next = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
  await expect(page.getByRole("heading", { name: next })).toBeVisible();
  await expect(page.getByRole("button", { name: /, nothing recorded$/ }).first()).toBeVisible();
  await page.getByRole("button", { name: "Previous month" }).click();
  await expect(page.getByRole("heading", { name: today.month })).toBeVisible();
  expect(signedIn.email).toContain("@");
});

test("a day opened by its address shows its mood and goals", async ({ page, signedIn }) => {
  const today = dayInfo(0);
  await apiCall(page, "POST", "/mood/entries", { happiness: 4, focus: 3, stress: 2, note: "calm morning" });
  await apiCall(page, "POST", "/goals", { title: "Ship the calendar", horizon: "two_week", kind: "percentage" });
  await page.goto(`/calendar/?day=${today.day}`);
  const view = page.getByRole("heading", { name: `${today.long} (today)` }).locator("xpath=ancestor::section[1]");
  await expect(view.getByText(/happiness 4, focus 3, stress 2/)).toBeVisible();
  await expect(view.getByText("calm morning")).toBeVisible();
  await expect(view.getByText("Ship the calendar")).toBeVisible();
  await expect(page.getByRole("button", { name: new RegExp(`^${today.long}, today, mood logged`) })).toBeVisible();
  await expectAccessible(page);
  expect(signedIn.name).toBeTruthy();
});
