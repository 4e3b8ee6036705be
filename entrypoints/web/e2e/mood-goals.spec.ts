import { apiCall, expect, expectAccessible, screenshot, test } from "./fixtures";

test("a mood is logged, seen in the list and the trend, corrected and deleted", async ({ page, signedIn }) => {
  await page.goto("/mood/");
  await expect(page.getByRole("heading", { name: "Mood", level: 1 })).toBeVisible();
  await expect(page.getByText("No mood logged in the last 30 days.")).toBeVisible();
  await expectAccessible(page);

  const form = page.getByRole("form", { name: "Log mood" });
  await form.getByRole("group", { name: /^Happiness/ }).getByLabel("4", { exact: true }).check();
  await form.getByRole("group", { name: /^Focus/ }).getByLabel("2", { exact: true }).check();
  await form.getByRole("group", { name: /^Stress/ }).getByLabel("5", { exact: true }).check();
  await form.getByLabel("Note (optional)").fill("Deadline day");
  await form.getByRole("button", { name: "Log mood" }).click();
  await expect(form.getByRole("status")).toHaveText("Logged.");

  const entries = page.getByRole("listitem").filter({ hasText: "Deadline day" });
  await expect(entries).toContainText("Happiness 4 · Focus 2 · Stress 5");
  await expect(page.getByRole("img", { name: "Happiness by day (1 to 5)" })).toBeVisible();
  const stored = (await apiCall(page, "GET", "/mood/entries")) as { happiness: number; focus: number; stress: number; note: string }[];
  expect(stored).toMatchObject([{ happiness: 4, focus: 2, stress: 5, note: "Deadline day" }]);
  await expectAccessible(page);
  await screenshot(page, "mood");

  await entries.getByRole("button", { name: /^Edit the entry/ }).click();
  const edit = page.getByRole("form", { name: "Edit mood entry" });
  await edit.getByRole("group", { name: /^Stress/ }).getByLabel("3", { exact: true }).check();
  await edit.getByRole("button", { name: "Save entry" }).click();
  await expect(page.getByRole("listitem").filter({ hasText: "Deadline day" })).toContainText("Stress 3");

  await page.getByRole("button", { name: /^Delete the entry/ }).click();
  await page.getByRole("button", { name: /^Confirm delete/ }).click();
  await expect(page.getByText("No mood logged in the last 30 days.")).toBeVisible();
  expect(await apiCall(page, "GET", "/mood/entries")).toEqual([]);
  expect(signedIn.email).toContain("@");
});

test("a goal is created, moved forward with progress and checklist items, completed and reopened", async ({ page, signedIn }) => {
  await page.goto("/goals/");
  await expect(page.getByText("No active goals.")).toBeVisible();
  await page.getByRole("button", { name: "New goal" }).click();
  const form = page.getByRole("form", { name: "New goal" });
  await form.getByLabel("Title").fill("Read three books");
  await form.getByLabel("Counter").check();
  await form.getByLabel("Target").fill("3");
  await expectAccessible(page);
  await form.getByRole("button", { name: "Create goal" }).click();
  await expect(form).toBeHidden();

  const books = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Read three books" }) });
  await expect(books).toContainText("0 of 3");
  await books.getByRole("button", { name: "Add 1 to Read three books" }).click();
  await expect(books).toContainText("1 of 3");
  await books.getByLabel("Count").fill("2");
  await books.getByRole("button", { name: "Update" }).click();
  await expect(books).toContainText("2 of 3");
  await expect(books.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "67");

  // The target can change afterwards.
  await books.getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("form", { name: "Edit Read three books" });
  await edit.getByLabel("Target").fill("4");
  await edit.getByRole("button", { name: "Save goal" }).click();
  await expect(books).toContainText("2 of 4");
  await books.getByRole("button", { name: "Edit" }).click();
  await edit.getByLabel("Target").fill("3");
  await edit.getByRole("button", { name: "Save goal" }).click();
  await expect(books).toContainText("2 of 3");

  // A checklist goal with an item added afterwards.
  await page.getByRole("button", { name: "New goal" }).click();
  await form.getByLabel("Title").fill("Plan the trip");
  await form.getByLabel("Checklist").check();
  await form.getByLabel("Items, one a line").fill("Book flights\nBook hotel");
  await form.getByRole("button", { name: "Create goal" }).click();
  const trip = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Plan the trip" }) });
  await trip.getByLabel("New item").fill("Pack");
  await trip.getByRole("button", { name: "Add item" }).click();
  await expect(trip.getByRole("checkbox", { name: "Pack" })).toBeVisible();
  await trip.getByRole("checkbox", { name: "Book flights" }).click();
  await expect(trip.getByRole("checkbox", { name: "Book flights" })).toBeChecked();
  await expect(trip).toContainText("33% done");
  await expectAccessible(page);
  await screenshot(page, "goals");

  // Completing the counter moves it to Completed; its history says so.
  await books.getByRole("button", { name: "Mark complete" }).click();
  const done = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Read three books" }) });
  await expect(done.getByRole("button", { name: "Reopen" })).toBeVisible();
  await done.getByRole("button", { name: "History" }).click();
  const history = page.getByRole("region", { name: "History of Read three books" });
  await expect(history).toContainText("Completed");
  await expect(history).toContainText("Progress (2)");
  await expect(history).toContainText("Created");
  const stored = (await apiCall(page, "GET", "/goals?status=completed")) as { title: string }[];
  expect(stored.map((g) => g.title)).toEqual(["Read three books"]);
  await done.getByRole("button", { name: "Reopen" }).click();
  await expect(page.getByText("Goals you complete are kept here.")).toBeVisible();

  // Delete after confirmation.
  await trip.getByRole("button", { name: "Delete…" }).click();
  await trip.getByRole("button", { name: "Delete goal" }).click();
  await expect(page.getByRole("heading", { name: "Plan the trip" })).toHaveCount(0);
  expect(signedIn.email).toBeTruthy();
});
