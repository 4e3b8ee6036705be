import type { Page } from "@playwright/test";
import { apiCall, expect, expectAccessible, screenshot, test } from "./fixtures";

// The page's clock is paused while a check depends on the phase, and resumed before the checks
// that wait on timers of their own (axe, queries).

const stat = (page: Page, label: string) =>
  page.locator("dl > div", { has: page.getByText(label, { exact: true }) }).locator("dd");
const circle = (page: Page) => page.locator("circle[data-breath]");
/** Stops the page's clock (it moves only when the test moves it), so a loaded machine cannot
 * skip a phase between two checks. */
async function pauseClock(page: Page): Promise<void> {
  await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1000));
}

test("a guided box-breathing session follows the phases and is logged when it ends", async ({ page, signedIn }) => {
  await page.clock.install();
  await page.goto("/breathing/");
  await expect(page.getByRole("heading", { name: "Breathing", exact: true })).toBeVisible();
  await expect(page.getByText("No sessions yet.")).toBeVisible();
  await expect(stat(page, "Sessions")).toHaveText("0");
  await page.getByLabel("Technique").selectOption({ label: "Box breathing" });
  await expect(page.getByRole("list", { name: "Phases of one cycle" })).toContainText("Breathe in · 4 s");
  await page.getByLabel("Cycles").fill("1");
  await expectAccessible(page);

  await pauseClock(page);
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page.getByText("Breathe in", { exact: true })).toBeVisible();
  await expect(page.getByText("Cycle 1 of 1", { exact: true })).toBeVisible();
  // Screen readers hear each phase once, not every second.
  const live = page.locator("[aria-live=polite]").filter({ hasText: /seconds\./ });
  await expect(live).toHaveText("Breathe in, 4 seconds. Cycle 1 of 1.");
  await expect(page.getByRole("img", { name: "Breathing guide: breathe in" })).toBeVisible();
  await expect(page.getByLabel("Technique")).toBeDisabled();
  const small = Number(await circle(page).getAttribute("r"));

  // The circle grows on the inhale, then holds.
  await page.clock.fastForward(4200);
  await expect(page.getByRole("img", { name: "Breathing guide: hold" })).toBeVisible();
  await expect(page.getByText(/^[34] seconds left$/)).toBeVisible();
  await expect(live).toHaveText("Hold, 4 seconds. Cycle 1 of 1.");
  expect(Number(await circle(page).getAttribute("r"))).toBeGreaterThan(small + 40);
  // ...shrinks on the exhale.
  await page.clock.fastForward(4000);
  await expect(page.getByText("Breathe out", { exact: true })).toBeVisible();
  await page.clock.fastForward(4000);
  await expect(page.getByText("Hold empty", { exact: true })).toBeVisible();
  expect(Number(await circle(page).getAttribute("r"))).toBeLessThan(small + 10);

  await page.clock.fastForward(4000);
  await page.clock.resume();
  await expect(page.getByText("Logged: Box breathing, 1 cycle, 16 s.")).toBeVisible();
  await expect(page.getByRole("list", { name: "Breathing sessions" })).toContainText("Box breathing · 1 cycle · 16 s");
  await expect(stat(page, "Sessions")).toHaveText("1");
  await expect(stat(page, "Cycles")).toHaveText("1");
  await expect(page.getByRole("list", { name: "By technique" })).toContainText("Box breathing: 1 session");
  const stored = (await apiCall(page, "GET", "/breathing/sessions")) as { technique: string; cycles: number; duration_seconds: number }[];
  expect(stored).toEqual([expect.objectContaining({ technique: "box", cycles: 1, duration_seconds: 16 })]);
  await expectAccessible(page);
  await screenshot(page, "breathing");
  expect(signedIn.email).toContain("@");
});

test("with reduced motion the circle stays still and the text still counts", async ({ page, signedIn }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.clock.install();
  await page.goto("/breathing/?technique=7-11");
  await expect(page.getByLabel("Technique")).toHaveValue("7-11");
  await page.getByLabel("Cycles").fill("2");
  await pauseClock(page);
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page.getByText("Breathe in", { exact: true })).toBeVisible();
  const r = await circle(page).getAttribute("r");
  await page.clock.fastForward(3000);
  await expect(page.getByText(/^[34] seconds left$/)).toBeVisible();
  await page.clock.fastForward(5000);
  await expect(page.getByText("Breathe out", { exact: true })).toBeVisible();
  expect(await circle(page).getAttribute("r")).toBe(r);
  await page.clock.resume();
  await expectAccessible(page); // while it runs

  // Stopping before a cycle ends logs nothing.
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(page.getByText("Stopped before the first cycle ended, so nothing was logged.")).toBeVisible();
  expect(await apiCall(page, "GET", "/breathing/sessions")).toEqual([]);
  expect(signedIn.email).toContain("@");
});

test("a logged session can be deleted and the totals follow", async ({ page, signedIn }) => {
  await apiCall(page, "POST", "/breathing/sessions", { technique: "4-7-8", cycles: 4, duration_seconds: 76 });
  await apiCall(page, "POST", "/breathing/sessions", { technique: "coherent", cycles: 10, duration_seconds: 110 });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/breathing/");
  const log = page.getByRole("list", { name: "Breathing sessions" });
  await expect(log.getByRole("listitem")).toHaveCount(2);
  await expect(stat(page, "Sessions")).toHaveText("2");
  await expect(stat(page, "Cycles")).toHaveText("14");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  await page.getByRole("button", { name: /^Delete 4-7-8 breathing · 4 cycles/ }).click();
  await expect(log.getByRole("listitem")).toHaveCount(1);
  await expect(log).not.toContainText("4-7-8");
  await expect(stat(page, "Sessions")).toHaveText("1");
  await expect(stat(page, "Cycles")).toHaveText("10");
  await expect(stat(page, "Time")).toHaveText("1 min 50 s");
  const stored = (await apiCall(page, "GET", "/breathing/sessions")) as { technique: string }[];
  expect(stored.map((s) => s.technique)).toEqual(["coherent"]);
  await expectAccessible(page);

  await page.getByRole("button", { name: /^Delete Coherent breathing/ }).click();
  await expect(page.getByText("No sessions yet.")).toBeVisible();
  await expect(stat(page, "Sessions")).toHaveText("0");
  expect(signedIn.email).toContain("@");
});
