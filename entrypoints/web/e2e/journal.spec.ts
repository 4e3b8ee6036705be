import type { Page } from "@playwright/test";
import { apiCall, expect, expectAccessible, screenshot, test } from "./fixtures";

interface Collection {
  id: string;
  name: string;
  protected: boolean;
}
interface Entry {
  id: string;
  title: string;
  content: { ops: { insert: unknown; attributes?: Record<string, unknown> }[] };
}

async function collection(page: Page, name: string): Promise<Collection> {
  return (await apiCall(page, "POST", "/journal/collections", { name })) as Collection;
}

async function entry(page: Page, collectionId: string, title: string, content: unknown): Promise<Entry> {
  return (await apiCall(page, "POST", "/journal/entries", { collection_id: collectionId, title, content })) as Entry;
}

test("a user writes an entry with bold text and a list and reads it back formatted", async ({ page, signedIn }) => {
  await page.goto("/journal/");
  await expect(page.getByRole("heading", { name: "Journal", level: 1 })).toBeVisible();
  await expect(page.getByText("No collections yet")).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel("New collection").fill("Daily");
  await page.getByRole("button", { name: "Create collection" }).click();
  await expect(page.getByRole("heading", { name: "Daily" })).toBeVisible();
  await expect(page.getByText("No entries here yet.")).toBeVisible();

  await page.getByRole("button", { name: "New entry" }).click();
  await page.getByLabel("Title").fill("Morning pages");
  await page.getByLabel("Tags").fill("calm, Morning");
  const editor = page.getByRole("textbox", { name: "Entry text" });
  await editor.click();
  await page.keyboard.type("Plain and ");
  await page.keyboard.press("Control+b");
  await page.keyboard.type("bold words");
  await page.keyboard.press("Control+b");
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "Bulleted list" }).click();
  await expect(page.getByRole("button", { name: "Bulleted list" })).toHaveAttribute("aria-pressed", "true");
  await page.keyboard.type("first item");
  await page.keyboard.press("Enter");
  await page.keyboard.type("second item");
  await expectAccessible(page);
  await page.getByRole("button", { name: "Save entry" }).click();

  const article = page.getByRole("article");
  await expect(article.getByRole("heading", { name: "Morning pages" })).toBeVisible();
  const content = page.getByTestId("entry-content");
  await expect(content.locator("strong")).toHaveText("bold words");
  await expect(content.getByRole("listitem")).toHaveText(["first item", "second item"]);
  await expect(article.getByRole("list", { name: "Tags" })).toContainText("#morning");
  await expectAccessible(page);

  const stored = (await apiCall(page, "GET", "/journal/entries")) as { items: Entry[] };
  expect(stored.items).toHaveLength(1);
  const ops = stored.items[0]!.content.ops;
  expect(ops).toContainEqual({ insert: "bold words", attributes: { bold: true } });
  expect(ops.filter((op) => op.attributes?.list === "bullet")).toHaveLength(2);

  await page.getByRole("button", { name: "← Back to entries" }).click();
  await expect(page.getByRole("button", { name: /Morning pages/ })).toBeVisible();
  await expect(page.getByText("Plain and bold words")).toBeVisible();
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, "journal");
  // A phone: nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByRole("button", { name: /Morning pages/ })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await expectAccessible(page);
  expect(signedIn.email).toContain("@");
});

test("opening an entry and saving it unchanged sends back exactly the same delta", async ({ page, signedIn }) => {
  const c = await collection(page, "Notes");
  // Ops Quill would rewrite if it were trusted with the document: adjacent inserts it would
  // merge, a colour this editor does not offer, an ordered list, a header, a link.
  const original = {
    ops: [
      { insert: "A day " },
      { insert: "by the sea", attributes: { italic: true } },
      { insert: "\n", attributes: { header: 1 } },
      { insert: "Hel" },
      { insert: "lo " },
      { insert: "red", attributes: { color: "#cc0000", bold: true } },
      { insert: " and " },
      { insert: "a link", attributes: { link: "https://example.com/path?q=1" } },
      { insert: "\nOne" },
      { insert: "\n", attributes: { list: "ordered" } },
      { insert: "Two" },
      { insert: "\n", attributes: { list: "ordered" } },
    ],
  };
  const e = await entry(page, c.id, "Round trip", original);
  await page.goto("/journal/");
  await page.getByRole("button", { name: /Round trip/ }).click();
  await expect(page.getByTestId("entry-content").getByRole("link", { name: "a link" })).toHaveAttribute("href", "https://example.com/path?q=1");
  await page.getByRole("button", { name: "Edit" }).click();
  await expect(page.getByRole("textbox", { name: "Entry text" })).toContainText("by the sea");
  const saved = page.waitForResponse((r) => r.request().method() === "PATCH" && r.url().includes(`/journal/entries/${e.id}`));
  await page.getByRole("button", { name: "Save entry" }).click();
  expect((await saved).status()).toBe(200);
  await expect(page.getByRole("article").getByRole("heading", { name: "Round trip" })).toBeVisible();
  const back = (await apiCall(page, "GET", `/journal/entries/${e.id}`)) as Entry;
  expect(back.content).toEqual(original);
  expect(signedIn.email).toBeTruthy();
});

test("a journal entry never runs script: markup is shown as text and a javascript: link is not a link", async ({ page, signedIn }) => {
  const c = await collection(page, "Untrusted");
  const script = "<script>window.__pwned=1</script>";
  const img = '<img src=x onerror="window.__pwned=1">';
  await entry(page, c.id, "Tricky", {
    ops: [
      { insert: `${script}\n` },
      { insert: `${img}\n` },
      { insert: "click me", attributes: { link: "javascript:window.__pwned=1" } },
      { insert: "\n" },
    ],
  });
  await page.goto("/journal/");
  await page.getByRole("button", { name: /Tricky/ }).click();
  const content = page.getByTestId("entry-content");
  await expect(content.getByText(script, { exact: true })).toBeVisible();
  await expect(content.getByText(img, { exact: true })).toBeVisible();
  await expect(content.locator("img, script")).toHaveCount(0);
  await expect(content.getByRole("link")).toHaveCount(0);
  await content.getByText("click me").click();
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expectAccessible(page);
  // The editor shows it as text as well.
  await page.getByRole("button", { name: "Edit" }).click();
  await expect(page.getByRole("textbox", { name: "Entry text" })).toContainText(script);
  await expect(page.getByRole("textbox", { name: "Entry text" }).locator("img")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(signedIn.email).toBeTruthy();
});

test("a protected collection shows nothing until unlocked, then its entry, and nothing again after Lock", async ({ page, signedIn }) => {
  await page.goto("/journal/");
  await page.getByLabel("New collection").fill("Secret");
  await page.getByLabel("Protect with a password").check();
  await page.getByLabel("Collection password").fill("only for this collection");
  await page.getByRole("button", { name: "Create collection" }).click();
  await expect(page.getByRole("button", { name: /Secret/ })).toContainText("Protected · locked");
  const password = page.getByLabel("Password for Secret");
  await expect(password).toBeVisible();
  await expectAccessible(page);

  // A wrong password: the API's sentence beside the field.
  await password.fill("not the password");
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByText("the collection password is incorrect")).toBeVisible();
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page);

  await password.fill("only for this collection");
  const unlocked = page.waitForResponse((r) => r.url().includes("/unlock") && r.status() === 200);
  await page.getByRole("button", { name: "Unlock" }).click();
  const grant = ((await (await unlocked).json()) as { grant: string }).grant;
  await expect(page.getByText("No entries here yet.")).toBeVisible();
  await expect(page.getByRole("button", { name: /Secret/ })).toContainText("Protected · unlocked");

  await page.getByRole("button", { name: "New entry" }).click();
  await page.getByLabel("Title").fill("Hidden thoughts");
  await page.getByRole("textbox", { name: "Entry text" }).click();
  await page.keyboard.type("Only for me.");
  await page.getByRole("button", { name: "Save entry" }).click();
  await expect(page.getByRole("article").getByRole("heading", { name: "Hidden thoughts" })).toBeVisible();
  await page.getByRole("button", { name: "← Back to entries" }).click();
  await expect(page.getByRole("button", { name: /Hidden thoughts/ })).toBeVisible();

  // The grant lives in memory only.
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + location.href + document.cookie);
  expect(stored).not.toContain(grant);

  const lock = page.waitForRequest((r) => r.url().endsWith("/journal/lock"));
  await page.getByRole("button", { name: "Lock", exact: true }).click();
  expect((await lock).headers()["x-journal-grant"]).toBe(grant);
  await expect(page.getByLabel("Password for Secret")).toBeVisible();
  await expect(page.getByText("Hidden thoughts")).toHaveCount(0);
  await page.getByRole("button", { name: "All entries" }).click();
  await expect(page.getByText("1 locked collection is not shown")).toBeVisible();
  await expect(page.getByText("Hidden thoughts")).toHaveCount(0);
  // The API agrees: without a grant the entry is neither listed nor counted.
  const listed = (await apiCall(page, "GET", "/journal/entries")) as { total: number };
  expect(listed.total).toBe(0);
  expect(signedIn.email).toBeTruthy();
});

test("an unlock grant expires after five minutes and the password is asked again", async ({ page, signedIn }) => {
  await page.clock.install();
  await apiCall(page, "POST", "/journal/collections", { name: "Vault", password: "only for this collection" });
  await page.goto("/journal/");
  await page.getByRole("button", { name: /Vault/ }).click();
  await page.getByLabel("Password for Vault").fill("only for this collection");
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByText("No entries here yet.")).toBeVisible();
  await page.clock.fastForward("05:00");
  await expect(page.getByLabel("Password for Vault")).toBeVisible();
  await expect(page.getByRole("button", { name: /Vault/ })).toContainText("Protected · locked");
  expect(signedIn.email).toBeTruthy();
});

test("collections are renamed, protected, unprotected and deleted after a confirmation", async ({ page, signedIn }) => {
  const c = await collection(page, "Drafts");
  await entry(page, c.id, "Keep me?", { ops: [{ insert: "soon gone\n" }] });
  await page.goto("/journal/");
  await page.getByRole("button", { name: "Drafts" }).click();
  await page.getByRole("button", { name: "Rename" }).click();
  await page.getByLabel("Collection name").fill("Old drafts");
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(page.getByRole("heading", { name: "Old drafts" })).toBeVisible();

  await page.getByRole("button", { name: "Set password" }).click();
  await page.getByLabel("New password").fill("a collection password");
  await page.getByRole("button", { name: "Set password" }).last().click();
  await expect(page.getByLabel("Password for Old drafts")).toBeVisible();
  await page.getByLabel("Password for Old drafts").fill("a collection password");
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByRole("button", { name: /Keep me\?/ })).toBeVisible();

  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByLabel("Current password").fill("a collection password");
  await page.getByRole("button", { name: "Remove password" }).click();
  await expect(page.getByRole("button", { name: "Set password" })).toBeVisible();
  await expect(page.getByRole("button", { name: /Keep me\?/ })).toBeVisible();

  await page.getByRole("button", { name: "Delete collection" }).click();
  await expect(page.getByText(/Delete “Old drafts” and its 1 entry\?/)).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("button", { name: "Keep it" }).click();
  await page.getByRole("button", { name: "Delete collection" }).click();
  await page.getByRole("button", { name: "Delete for good" }).click();
  await expect(page.getByText("No collections yet")).toBeVisible();
  expect(await apiCall(page, "GET", "/journal/collections")).toEqual([]);
  expect(signedIn.email).toBeTruthy();
});

test("gratitude notes are added and deleted", async ({ page, signedIn }) => {
  await page.goto("/journal/");
  await expect(page.getByText("Nothing noted yet.")).toBeVisible();
  await page.getByLabel("Something you are grateful for today").fill("A long walk in the sun");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  const notes = page.getByRole("list", { name: "Gratitude notes" });
  await expect(notes.getByRole("listitem")).toHaveCount(1);
  await expect(notes).toContainText("A long walk in the sun");
  await expect(page.getByLabel("Something you are grateful for today")).toHaveValue("");
  expect(((await apiCall(page, "GET", "/journal/gratitude")) as { total: number }).total).toBe(1);
  await expectAccessible(page);

  await page.getByRole("button", { name: "Delete “A long walk in the sun”" }).click();
  await expect(page.getByText("Nothing noted yet.")).toBeVisible();
  await expect.poll(async () => ((await apiCall(page, "GET", "/journal/gratitude")) as { total: number }).total).toBe(0);
  expect(signedIn.email).toBeTruthy();
});

test("search finds an entry by a word in its text", async ({ page, signedIn }) => {
  const c = await collection(page, "Travel");
  await entry(page, c.id, "Coast", { ops: [{ insert: "We walked to the old lighthouse at dusk.\n" }] });
  await entry(page, c.id, "City", { ops: [{ insert: "Trains, noise and coffee.\n" }] });
  await page.goto("/journal/");
  await expect(page.getByRole("button", { name: /City/ })).toBeVisible();
  await page.getByRole("searchbox", { name: "Search the journal" }).fill("Lighthouse");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Search results for “Lighthouse”" })).toBeVisible();
  await expect(page.getByText("1 entry found")).toBeVisible();
  await expect(page.getByRole("button", { name: /Coast/ })).toBeVisible();
  await expect(page.getByRole("button", { name: /City/ })).toHaveCount(0);
  await expectAccessible(page);
  await page.getByRole("button", { name: /Coast/ }).click();
  await expect(page.getByRole("article").getByText("We walked to the old lighthouse at dusk.")).toBeVisible();
  expect(signedIn.email).toBeTruthy();
});

test("an entry links to one of the day's moods", async ({ page, signedIn }) => {
  const c = await collection(page, "Moods");
  const mood = (await apiCall(page, "POST", "/mood/entries", { happiness: 4, focus: 3, stress: 2, note: "" })) as { id: string };
  await page.goto("/journal/");
  await page.getByRole("button", { name: "New entry" }).click();
  await page.getByLabel("Title").fill("With a mood");
  await page.getByRole("textbox", { name: "Entry text" }).click();
  await page.keyboard.type("Felt steady.");
  const moodSelect = page.getByLabel("Mood (optional)");
  await expect(moodSelect.locator(`option[value="${mood.id}"]`)).toHaveText(/happiness 4, focus 3, stress 2/);
  await moodSelect.selectOption(mood.id);
  await page.getByRole("button", { name: "Save entry" }).click();
  await expect(page.getByRole("article").getByText(/Mood: .*happiness 4, focus 3, stress 2/)).toBeVisible();
  const stored = (await apiCall(page, "GET", `/journal/entries?collection_id=${c.id}`)) as { items: { mood_entry_id: string }[] };
  expect(stored.items[0]!.mood_entry_id).toBe(mood.id);
  expect(signedIn.email).toBeTruthy();
});

test("older entries are shown 50 at a time on request", async ({ page, signedIn }) => {
  const c = await collection(page, "Many");
  for (let i = 1; i <= 52; i++) await entry(page, c.id, `Entry ${i}`, { ops: [{ insert: `Text ${i}\n` }] });
  await page.goto("/journal/");
  await expect(page.getByText("50 of 52")).toBeVisible();
  await expect(page.getByRole("button", { name: /^Entry \d+/ })).toHaveCount(50);
  await page.getByRole("button", { name: "Show older entries" }).click();
  await expect(page.getByRole("button", { name: /^Entry \d+/ })).toHaveCount(52);
  await expect(page.getByRole("button", { name: "Show older entries" })).toHaveCount(0);
  expect(signedIn.email).toBeTruthy();
});

test("signing out ends the journal's unlock grants on the server too", async ({ page, signedIn, baseURL }) => {
  const secret = (await apiCall(page, "POST", "/journal/collections", { name: "Secret", password: "only for this collection" })) as Collection;
  await page.goto("/journal/");
  await page.getByRole("button", { name: /Secret/ }).click();
  await page.getByLabel("Password for Secret").fill("only for this collection");
  const unlocked = page.waitForResponse((r) => r.url().includes("/unlock") && r.status() === 200);
  await page.getByRole("button", { name: "Unlock" }).click();
  const grant = ((await (await unlocked).json()) as { grant: string }).grant;
  await expect(page.getByRole("button", { name: /Secret/ })).toContainText("Protected · unlocked");

  const lock = page.waitForRequest((r) => r.url().endsWith("/journal/lock"));
  await page.getByRole("button", { name: "Sign out" }).first().click();
  expect((await lock).headers()["x-journal-grant"]).toBe(grant);
  await expect(page).toHaveURL(/\/signin\//);

  // Signed in again, the old grant opens nothing.
  const { signIn } = await import("./fixtures");
  await signIn(page.request, baseURL!, signedIn);
  const read = await page.request.get(`/api/v1/journal/entries?collection_id=${secret.id}`, {
    headers: { "X-Journal-Grant": grant },
  });
  expect(read.status()).toBe(403);
});
