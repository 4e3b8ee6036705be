import { randomUUID } from "node:crypto";
import { apiCall, expect, expectAccessible, screenshot, test } from "./fixtures";

/** At a phone's width (390 px) the screen fits without scrolling sideways. */
async function fitsAPhone(page: import("@playwright/test").Page, path: string, heading: string): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(path);
  await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await expectAccessible(page);
}

test("feedback is sent with its category, and a blank one is refused beside the field", async ({ page, signedIn }) => {
  await page.goto("/feedback/");
  await expect(page.getByRole("heading", { name: "Feedback" })).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel("Your feedback").fill("   ");
  await page.getByRole("button", { name: "Send feedback" }).click();
  await expect(page.getByLabel("Your feedback")).toHaveAttribute("aria-invalid", "true");

  await page.getByLabel("What is it about?").selectOption("bug");
  await page.getByLabel("Your feedback").fill("The timer skips a second now and then.");
  await page.getByLabel("Email for a reply (optional)").fill(signedIn.email);
  const sent = page.waitForResponse((r) => r.url().endsWith("/api/v1/feedback") && r.request().method() === "POST");
  await page.getByRole("button", { name: "Send feedback" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Thank you: your feedback was received." })).toBeVisible();
  // The API keeps feedback for the team only (nothing reads it back): its receipt is the proof.
  const receipt = await sent;
  expect(receipt.status()).toBe(201);
  expect(await receipt.json()).toMatchObject({ id: expect.any(String) });
  await expect(page.getByLabel("Your feedback")).toHaveValue("");
  await expectAccessible(page);
  await fitsAPhone(page, "/feedback/", "Feedback");
});

test("a proposed feature gets a vote, and the vote can be withdrawn", async ({ page, signedIn }) => {
  // Someone else's proposal, already on the list.
  const theirs = `Dark mode ${randomUUID().slice(0, 8)}`;
  const feature = (await apiCall(page, "POST", "/features", { title: theirs, description: "Easier on the eyes at night." })) as {
    id: string;
  };
  await apiCall(page, "DELETE", `/features/${feature.id}/vote`);

  await page.goto("/feedback/");
  const vote = page.getByRole("button", { name: `Vote for ${theirs}: 0 votes` });
  await expect(vote).toHaveAttribute("aria-pressed", "false");
  await vote.click();
  const voted = page.getByRole("button", { name: `Vote for ${theirs}: 1 vote` });
  await expect(voted).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByRole("listitem").filter({ hasText: theirs })).toContainText("You voted");
  await expect
    .poll(async () => ((await apiCall(page, "GET", `/features/${feature.id}`)) as { votes: number }).votes)
    .toBe(1);
  await screenshot(page, "feedback");
  await expectAccessible(page);

  await page.reload();
  await expect(page.getByRole("button", { name: `Vote for ${theirs}: 1 vote` })).toHaveAttribute("aria-pressed", "true");
  await page.getByRole("button", { name: `Vote for ${theirs}: 1 vote` }).click();
  await expect(page.getByRole("button", { name: `Vote for ${theirs}: 0 votes` })).toHaveAttribute("aria-pressed", "false");
  await expect
    .poll(async () => ((await apiCall(page, "GET", `/features/${feature.id}`)) as { votes: number }).votes)
    .toBe(0);

  // Proposing one of one's own.
  const mine = `Weekly summary ${randomUUID().slice(0, 8)}`;
  await page.getByLabel("Feature title").fill(mine);
  await page.getByLabel("What would it do? (optional)").fill("A mail each Sunday with the week's numbers.");
  await page.getByRole("button", { name: "Propose" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Your proposal is on the list." })).toBeVisible();
  await expect(page.getByRole("list", { name: "Proposed features" }).getByText(mine)).toBeVisible();
  expect(signedIn.email).toContain("@");
});
