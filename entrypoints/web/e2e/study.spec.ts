import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { apiCall, expect, expectAccessible, screenshot, test } from "./fixtures";

interface Deck {
  id: string;
  name: string;
  description: string;
}
interface StudyCard {
  id: string;
  front: string;
  back: string;
  state: string;
}

async function createDeckInUi(page: Page, name: string, description = ""): Promise<void> {
  await page.getByLabel("Deck name").fill(name);
  if (description) await page.getByLabel("Description (optional)").fill(description);
  await page.getByRole("button", { name: "Create deck" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Deck “${name}” created.` })).toBeVisible();
}

async function deckNamed(page: Page, name: string): Promise<Deck> {
  const decks = (await apiCall(page, "GET", "/study/decks")) as Deck[];
  const deck = decks.find((d) => d.name === name);
  expect(deck, `deck ${name}`).toBeTruthy();
  return deck!;
}

async function cardsOf(page: Page, deckId: string): Promise<StudyCard[]> {
  return (await apiCall(page, "GET", `/study/decks/${deckId}/cards`)) as StudyCard[];
}

test("a user creates a deck, edits it, adds, edits and deletes cards, and deletes the deck", async ({ page, signedIn }) => {
  await page.goto("/study/");
  await expect(page.getByRole("heading", { name: "Study", level: 1 })).toBeVisible();
  await expect(page.getByText("No decks yet.")).toBeVisible();
  await expectAccessible(page);

  await createDeckInUi(page, "Spanish verbs", "Common irregular verbs");
  await expect(page.getByRole("link", { name: "Spanish verbs" })).toBeVisible();
  await expect(page.getByText("Common irregular verbs")).toBeVisible();
  // A blank name is refused, with the API's message beside the field.
  await page.getByLabel("Deck name").fill("   ");
  await page.getByRole("button", { name: "Create deck" }).click();
  await expect(page.getByLabel("Deck name")).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page);

  await page.getByRole("link", { name: "Spanish verbs" }).click();
  await expect(page.getByRole("heading", { name: "Spanish verbs", level: 1 })).toBeVisible();
  await expect(page).toHaveTitle("Spanish verbs · Study · ReFocused");
  await expect(page.getByText("No cards in this deck yet.")).toBeVisible();
  await expectAccessible(page);

  // Rename and describe.
  await page.getByRole("button", { name: "Edit deck" }).click();
  await page.getByLabel("Deck name").fill("Spanish: irregular verbs");
  await page.getByLabel("Description (optional)").fill("Present tense");
  await page.getByRole("button", { name: "Save deck" }).click();
  await expect(page.getByRole("heading", { name: "Spanish: irregular verbs", level: 1 })).toBeVisible();
  await expect(page.getByText("Present tense")).toBeVisible();
  const deck = await deckNamed(page, "Spanish: irregular verbs");
  expect(deck.description).toBe("Present tense");

  // Two cards.
  await page.getByLabel("Front").fill("tener");
  await page.getByLabel("Back").fill("to have");
  await page.getByLabel("Tags (optional)").fill("verbs irregular");
  await page.getByRole("button", { name: "Add card" }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 card added." })).toBeVisible();
  await expect(page.getByLabel("Front")).toBeFocused();
  await expect(page.getByLabel("Front")).toHaveValue("");
  await page.getByLabel("Front").fill("ir");
  await page.getByLabel("Back").fill("to go");
  await page.getByRole("button", { name: "Add card" }).click();
  await expect(page.getByRole("status").filter({ hasText: "2 cards added." })).toBeVisible();
  const list = page.getByRole("list", { name: "Cards in this deck" });
  await expect(list.getByRole("listitem")).toHaveCount(2);
  await expect(page.getByRole("heading", { name: "Cards (2)" })).toBeVisible();
  await expect(page.getByTestId("due-now")).toHaveText(/^2/);
  await expectAccessible(page);

  // An empty side is refused beside the field (the API's message).
  await page.getByLabel("Front").fill("   ");
  await page.getByLabel("Back").fill("nothing");
  await page.getByRole("button", { name: "Add card" }).click();
  await expect(page.getByText(/each side of a card has/i)).toBeVisible();

  // Edit a card in place.
  await page.getByRole("button", { name: "Edit card “ir”" }).click();
  const form = page.getByRole("form", { name: "Edit card" });
  await form.getByLabel("Back").fill("to go (ir a: going to)");
  await form.getByRole("button", { name: "Save card" }).click();
  await expect(list.getByText("to go (ir a: going to)")).toBeVisible();

  // Delete a card, after confirming.
  await page.getByRole("button", { name: "Delete card “tener”" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this card?" });
  await expect(dialog).toBeVisible();
  await expectAccessible(page);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(list.getByRole("listitem")).toHaveCount(2);
  await page.getByRole("button", { name: "Delete card “tener”" }).click();
  await dialog.getByRole("button", { name: "Delete card" }).click();
  await expect(list.getByRole("listitem")).toHaveCount(1);
  const cards = await cardsOf(page, deck.id);
  expect(cards.map((c) => [c.front, c.back])).toEqual([["ir", "to go (ir a: going to)"]]);

  // Delete the deck, after confirming.
  await page.getByRole("button", { name: "Delete deck" }).click();
  await page.getByRole("dialog", { name: "Delete “Spanish: irregular verbs”?" }).getByRole("button", { name: "Delete deck" }).click();
  await expect(page.getByRole("heading", { name: "Study", level: 1 })).toBeVisible();
  await expect(page.getByText("No decks yet.")).toBeVisible();
  expect(await apiCall(page, "GET", "/study/decks")).toEqual([]);
  expect(signedIn.email).toContain("@");
});

test("cards come in from Anki text (pasted or a file) and go out as a file", async ({ page, signedIn }) => {
  await page.goto("/study/");
  await createDeckInUi(page, "Capitals");
  await page.getByRole("link", { name: "Capitals" }).click();
  await expect(page.getByRole("heading", { name: "Capitals", level: 1 })).toBeVisible();

  // A bad line: the API names it, nothing is added.
  const area = page.getByLabel("Anki text to import");
  await area.fill("France\tParis\nSpain\n");
  await page.getByRole("button", { name: "Import cards" }).click();
  await expect(page.getByText(/line 2: a card needs a front and a back/i)).toBeVisible();
  await expect(area).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page);

  // Three good lines, pasted.
  await area.fill("France\tParis\nSpain\tMadrid\nItaly\tRome\n");
  await page.getByRole("button", { name: "Import cards" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Imported 3 cards." })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Cards (3)" })).toBeVisible();
  const deck = await deckNamed(page, "Capitals");
  const stored = await cardsOf(page, deck.id);
  expect(stored.map((c) => [c.front, c.back]).sort()).toEqual([
    ["France", "Paris"],
    ["Italy", "Rome"],
    ["Spain", "Madrid"],
  ]);

  // Export them back: the browser saves a file with the same lines.
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export as text (.txt)" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("capitals.txt");
  const text = await readFile((await download.path())!, "utf8");
  expect(text.startsWith("#separator:tab\n#html:false\n#tags column:3\n")).toBeTruthy();
  const lines = text.split("\n").filter((l) => l && !l.startsWith("#"));
  expect(lines.sort()).toEqual(["France\tParis\t", "Italy\tRome\t", "Spain\tMadrid\t"]);

  // A .txt file chosen from disk.
  await page.getByLabel("Or choose a .txt file").setInputFiles({
    name: "more.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("Portugal\tLisbon\n"),
  });
  await expect(area).toHaveValue("Portugal\tLisbon\n");
  await page.getByRole("button", { name: "Import cards" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Imported 1 card." })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Cards (4)" })).toBeVisible();

  // Cards are listed a page (20) at a time.
  const many = Array.from({ length: 21 }, (_, i) => `Town ${i + 1}\tRegion ${i + 1}`).join("\n");
  await area.fill(many);
  await page.getByRole("button", { name: "Import cards" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Imported 21 cards." })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Cards (25)" })).toBeVisible();
  const list = page.getByRole("list", { name: "Cards in this deck" });
  const pages = page.getByRole("navigation", { name: "Card pages" });
  await expect(list.getByRole("listitem")).toHaveCount(20);
  await expect(pages).toContainText("Page 1 of 2");
  await expect(pages.getByRole("button", { name: "Previous page" })).toBeDisabled();
  await pages.getByRole("button", { name: "Next page" }).click();
  await expect(pages).toContainText("Page 2 of 2");
  await expect(list.getByRole("listitem")).toHaveCount(5);
  await expect(pages.getByRole("button", { name: "Next page" })).toBeDisabled();
  await pages.getByRole("button", { name: "Previous page" }).click();
  await expect(list.getByRole("listitem")).toHaveCount(20);
  expect(signedIn.email).toContain("@");
});

test("due cards are reviewed entirely by keyboard, and an undone review comes back", async ({ page, signedIn }) => {
  const deck = (await apiCall(page, "POST", "/study/decks", { name: "Chemistry" })) as Deck;
  await apiCall(page, "POST", `/study/decks/${deck.id}/cards`, {
    cards: [
      { front: "H2O", back: "water" },
      { front: "NaCl", back: "salt" },
      { front: "CO2", back: "carbon dioxide" },
    ],
  });

  await page.goto("/study/");
  const row = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: "Chemistry", exact: true }) });
  await expect(row).toContainText("3 due now");
  await page.getByRole("link", { name: "Chemistry", exact: true }).click();
  await expect(page.getByTestId("due-now")).toHaveText(/^3/);
  await screenshot(page, "study");
  await page.getByRole("link", { name: "Start review" }).click();

  await expect(page.getByRole("heading", { name: "Review: Chemistry" })).toBeVisible();
  await expect(page.getByText("Space to show, 1–4 to rate, U to undo.")).toBeVisible();
  await expect(page.getByText("Card 1 of 3")).toBeVisible();
  await expect(page.getByTestId("card-front")).toHaveText("H2O");
  await expect(page.getByTestId("card-back")).toHaveCount(0);
  await expectAccessible(page);

  const seen: string[] = [];
  for (let i = 1; i <= 3; i++) {
    await expect(page.getByText(`Card ${i} of 3`)).toBeVisible();
    seen.push((await page.getByTestId("card-front").textContent())!);
    await page.keyboard.press("Space");
    await expect(page.getByTestId("card-back")).toBeVisible();
    await expect(page.getByRole("group", { name: "How well did you remember?" })).toBeVisible();
    if (i === 1) await expectAccessible(page);
    await page.keyboard.press("3");
  }
  expect(seen).toEqual(["H2O", "NaCl", "CO2"]);
  await expect(page.getByRole("heading", { name: "Session complete" })).toBeVisible();
  await expect(page.getByText("You reviewed 3 cards")).toBeVisible();
  await expect(page.getByRole("list", { name: "Ratings" })).toContainText("Good: 3");
  await expect(page.getByText("saving…")).toHaveCount(0);
  await expectAccessible(page);

  // Every review reached the API.
  const after = await cardsOf(page, deck.id);
  expect(after.every((c) => c.state === "learning")).toBeTruthy();

  // The due count dropped to 0.
  await expect(page.getByTestId("due-after")).toHaveText("No cards are due now in this deck.");

  // Undo the last review (U): that card comes back, and is due again.
  await page.keyboard.press("u");
  await expect(page.getByText("Card 3 of 3")).toBeVisible();
  await expect(page.getByTestId("card-front")).toHaveText("CO2");
  await expect(page.getByRole("status").filter({ hasText: "Undone. “CO2” is back." })).toBeVisible();
  await expect(page.getByText("saving…")).toHaveCount(0);
  const undone = await cardsOf(page, deck.id);
  expect(undone.find((c) => c.front === "CO2")!.state).toBe("new");
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Deck" }).click();
  await expect(page.getByTestId("due-now")).toHaveText(/^1/);
  await expect(page.getByText("Learning: 2")).toBeVisible();
  await expect(page.getByText("Reviews, last 30 days").locator("..")).toContainText("2");
  expect(signedIn.email).toContain("@");
});

test("undo (the U key) brings back the card just rated, and the due count with it", async ({ page, signedIn }) => {
  const deck = (await apiCall(page, "POST", "/study/decks", { name: "Birds" })) as Deck;
  await apiCall(page, "POST", `/study/decks/${deck.id}/cards`, {
    cards: [
      { front: "robin", back: "red breast" },
      { front: "wren", back: "tiny" },
    ],
  });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/study/?deck=${deck.id}&review=1`);
  await expect(page.getByTestId("card-front")).toHaveText("robin");
  await expect(page.getByRole("button", { name: "Show answer" })).toBeInViewport();
  await page.keyboard.press("Space");
  await page.keyboard.press("4");
  await expect(page.getByTestId("card-front")).toHaveText("wren");
  await page.keyboard.press("u");
  await expect(page.getByTestId("card-front")).toHaveText("robin");
  await expect(page.getByText("Card 1 of 2")).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Undone. “robin” is back." })).toBeVisible();
  expect(((await apiCall(page, "GET", `/study/decks/${deck.id}/cards`)) as StudyCard[]).every((c) => c.state === "new")).toBeTruthy();

  // Buttons work as well as keys, on a phone's width too.
  await page.getByRole("button", { name: "Show answer" }).click();
  await expect(page.getByRole("button", { name: /^Easy/ })).toBeInViewport();
  await expectAccessible(page);
  await page.getByRole("button", { name: /^Good/ }).click();
  await expect(page.getByTestId("card-front")).toHaveText("wren");
  await page.keyboard.press("Space");
  await page.keyboard.press("3");
  await expect(page.getByRole("heading", { name: "Session complete" })).toBeVisible();
  await expect(page.getByText("saving…")).toHaveCount(0);

  await page.getByRole("link", { name: "Back to the deck" }).click();
  await expect(page.getByTestId("due-now")).toHaveText(/^0/);
  await expect(page.getByText("Nothing to review now.")).toBeVisible();
  await expect(page.getByText("Learning: 2")).toBeVisible();
  expect(signedIn.email).toContain("@");
});

test("study settings are saved and limit the new cards a day", async ({ page, signedIn }) => {
  const deck = (await apiCall(page, "POST", "/study/decks", { name: "Words" })) as Deck;
  await apiCall(page, "POST", `/study/decks/${deck.id}/cards`, {
    cards: [1, 2, 3, 4].map((n) => ({ front: `word ${n}`, back: `meaning ${n}` })),
  });
  await page.goto("/study/");
  await expect(page.getByLabel("Desired retention (%)")).toHaveValue("90");
  await expect(page.getByLabel("New cards per day")).toHaveValue("20");
  await expect(page.getByRole("listitem").filter({ hasText: "Words" })).toContainText("4 due now");
  await page.getByLabel("Desired retention (%)").fill("85");
  await page.getByLabel("New cards per day").fill("2");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
  expect(await apiCall(page, "GET", "/study/settings")).toEqual({ desired_retention: 0.85, new_cards_per_day: 2 });
  await expect(page.getByRole("listitem").filter({ hasText: "Words" })).toContainText("2 due now");
  await expectAccessible(page);
  expect(signedIn.email).toContain("@");
});
