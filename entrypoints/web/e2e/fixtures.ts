/** What every journey starts from: a fresh user of its own, signed in through the API (its
 * cookies land in the page's browser context), and checks every screen shares. */
import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type APIRequestContext, type Page } from "@playwright/test";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";

export interface Account {
  email: string;
  password: string;
  name: string;
}

export function newAccount(name = "Test User"): Account {
  return { email: `e2e-${randomUUID()}@example.com`, password: "correct horse battery", name };
}

/** Registers through the API, as the register page does. */
export async function register(request: APIRequestContext, baseURL: string, account: Account): Promise<void> {
  const res = await request.post("/api/v1/auth/register", {
    data: { email: account.email, password: account.password, display_name: account.name, time_zone: "UTC" },
    headers: { Origin: baseURL },
  });
  expect(res.status(), await res.text()).toBe(202);
}

/** Signs in through the API with the browser context's cookie jar. */
export async function signIn(request: APIRequestContext, baseURL: string, account: Account): Promise<string> {
  const res = await request.post("/api/v1/auth/login", {
    data: { email: account.email, password: account.password, remember_me: false },
    headers: { Origin: baseURL },
  });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { csrf_token: string }).csrf_token;
}

/** Calls the API as the signed-in user of `page` (cookies plus the CSRF header). */
export async function apiCall(page: Page, method: string, path: string, data?: unknown): Promise<unknown> {
  const cookies = await page.context().cookies();
  const csrf = cookies.find((c) => c.name === "rf_csrf")?.value ?? "";
  const res = await page.request.fetch(`/api/v1${path}`, {
    method,
    data,
    headers: method === "GET" ? {} : { "X-CSRF-Token": csrf },
  });
  expect(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`).toBeTruthy();
  return res.status() === 204 ? null : res.json();
}

/** The link in the newest mail to `address` whose subject matches, from the embedded
 * profile's outbox (e2e/serve.sh's data folder), as a person would click it. */
export async function mailedLink(address: string, subject: RegExp): Promise<string> {
  const outbox = join(process.env.E2E_DATA_DIR ?? "/tmp/refocused-e2e", "outbox");
  let found: string | undefined;
  await expect
    .poll(
      () => {
        const mails = readdirSync(outbox, { withFileTypes: true })
          .filter((f) => f.name.endsWith(".eml"))
          .map((f) => readFileSync(join(outbox, f.name), "utf8"))
          .filter((m) => m.includes(`To: ${address}`) && subject.test(m.split("\n").find((l) => l.startsWith("Subject:")) ?? ""));
        const body = mails.at(-1)?.split(/\r?\n\r?\n/).slice(1).join("\n");
        // quoted-printable: soft line breaks, then escaped bytes
        const text = body?.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
        found = text?.match(/https?:\/\/\S+/)?.[0];
        return found;
      },
      { message: `a mail to ${address} matching ${subject}` },
    )
    .toBeTruthy();
  return found!;
}

/** No serious or critical WCAG 2.2 A/AA violation on what the page shows now. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
  ).toEqual([]);
}

/** A picture of the screen for docs/web.md (written there when UPDATE_SCREENSHOTS=1). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.UPDATE_SCREENSHOTS ? join(__dirname, "../../../docs/web") : join(__dirname, "../test-results/screens");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: false });
}

export const test = base.extend<{ account: Account; signedIn: Account }>({
  /** Every page fails its test when the page throws or its Content-Security-Policy refuses
   * something (a script the build did not hash would be refused, and the feature would break
   * only where the policy applies). */
  page: async ({ page }, use) => {
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" && /Content Security Policy|Refused to/i.test(m.text())) {
        problems.push(`refused: ${m.text()}`);
      }
    });
    await use(page);
    expect(problems, "errors in the page").toEqual([]);
  },
  account: async ({}, use) => {
    await use(newAccount());
  },
  /** A fresh user, registered and signed in, on the Today page. */
  signedIn: async ({ page, account, baseURL }, use) => {
    await register(page.request, baseURL!, account);
    await signIn(page.request, baseURL!, account);
    await use(account);
  },
});

export { expect };
