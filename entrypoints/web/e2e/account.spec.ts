import { expect, expectAccessible, newAccount, screenshot, test } from "./fixtures";

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
  await expect(page.getByRole("alert")).toContainText(/password/i);
  await expect(page).toHaveURL(/\/signin\//);
});

test("an expired access token is refreshed without the user noticing", async ({ page, signedIn }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: /Good to see you/ })).toBeVisible();
  // The access cookie is gone (as when it expires); the refresh cookie is still there.
  await page.context().clearCookies({ name: "rf_access" });
  await page.goto("/habits/");
  await page.goto("/");
  await expect(page.getByRole("heading", { name: /Good to see you/ })).toBeVisible();
  await expect(page).not.toHaveURL(/signin/);
  const names = (await page.context().cookies()).map((c) => c.name);
  expect(names).toContain("rf_access");
  expect(signedIn.email).toContain("@");
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
