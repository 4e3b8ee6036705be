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

interface Quota {
  limit: number;
  remaining: number;
}

test("the quota is shown, and a server without a model says so beside the composer", async ({ page, signedIn }) => {
  const quota = (await apiCall(page, "GET", "/assistant/quota")) as Quota;
  await page.goto("/assistant/");
  await expect(page.getByRole("heading", { name: "Assistant" })).toBeVisible();
  await expect(page.getByText(`${quota.remaining} of ${quota.limit}`)).toBeVisible();
  await expect(page.getByText("No conversations yet.")).toBeVisible();
  await expectAccessible(page);

  const message = "How do I keep a reading habit going?";
  await page.getByRole("textbox", { name: "Message" }).fill(message);
  await page.getByRole("button", { name: "Send" }).click();
  // The embedded test server runs no model: the API's 503 sentence, next to the composer.
  const note = page.locator("form").getByRole("alert");
  await expect(note).toHaveText("The assistant is not available on this server right now. Everything else works as usual.");
  await expect(page.getByRole("textbox", { name: "Message" })).toHaveValue(message);
  await expectAccessible(page);

  // The conversation the message started is there (with nothing stored in it); the quota is
  // untouched, as a refused message costs nothing.
  const conversations = (await apiCall(page, "GET", "/assistant/conversations")) as { message_count: number }[];
  expect(conversations).toHaveLength(1);
  expect(conversations[0]!.message_count).toBe(0);
  expect(((await apiCall(page, "GET", "/assistant/quota")) as Quota).remaining).toBe(quota.remaining);
  expect(signedIn.email).toContain("@");
});

test("conversations are started, renamed and deleted", async ({ page, signedIn }) => {
  await page.goto("/assistant/");
  await expect(page.getByText("No conversations yet.")).toBeVisible();
  await page.getByRole("button", { name: "New conversation" }).click();
  const list = page.getByRole("list", { name: "Conversations" });
  await expect(list.getByRole("button")).toHaveCount(1);
  await expect(list.getByRole("button", { name: /New conversation/ })).toHaveAttribute("aria-current", "true");

  await page.getByRole("button", { name: "Rename" }).click();
  await page.getByLabel("Conversation title").fill("Week 2 planning");
  await page.getByRole("button", { name: "Save title" }).click();
  await expect(page.getByRole("heading", { name: "Week 2 planning" })).toBeVisible();
  await expect(list.getByRole("button", { name: /Week 2 planning/ })).toBeVisible();
  await expectAccessible(page);

  await page.getByRole("button", { name: "New conversation" }).click();
  await expect(list.getByRole("button")).toHaveCount(2);
  await page.reload();
  await expect(list.getByRole("button")).toHaveCount(2);
  await expect(list.getByRole("button", { name: /Week 2 planning/ })).toBeVisible();
  const stored = (await apiCall(page, "GET", "/assistant/conversations")) as { title: string }[];
  expect(stored.map((c) => c.title).sort()).toEqual(["", "Week 2 planning"]);

  await list.getByRole("button", { name: /Week 2 planning/ }).click();
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await expectAccessible(page);
  await page.getByRole("button", { name: "Delete conversation" }).click();
  await expect(list.getByRole("button")).toHaveCount(1);
  await expect(list.getByRole("button", { name: /Week 2 planning/ })).toHaveCount(0);
  expect((await apiCall(page, "GET", "/assistant/conversations")) as unknown[]).toHaveLength(1);
  await fitsAPhone(page, "/assistant/", "Assistant");
  expect(signedIn.email).toContain("@");
});

// The one fake in these journeys: CI runs no model, so nothing real could ever stream. Only the
// reply job (POST .../replies) and its event stream are answered here; every other assistant
// call (the conversation, the quota) reaches the real API.
test("a reply streams in as it is written, across a reconnect, and ends with done", async ({ page, signedIn }) => {
  const conversation = (await apiCall(page, "POST", "/assistant/conversations", { title: "Sleep" })) as { id: string };
  const replyId = randomUUID();
  const messageId = randomUUID();
  const keys: string[] = [];
  const lastIds: (string | undefined)[] = [];
  // Each answer after the first is held back until the test has seen what came before it.
  const gates = [0, 1].map(() => {
    let open = () => {};
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { open, opened };
  });
  const sse = (...events: string[]) => events.join("") + "\n";
  const event = (name: string, id: number, data: unknown, retry?: number) =>
    `event: ${name}\nid: ${id}\n${retry != null ? `retry: ${retry}\n` : ""}data: ${JSON.stringify(data)}\n\n`;

  await page.route("**/api/v1/assistant/**", async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    if (request.method() === "POST" && url.pathname.endsWith(`/conversations/${conversation.id}/replies`)) {
      keys.push((await request.allHeaders())["idempotency-key"] ?? "");
      await route.fulfill({
        status: 202,
        contentType: "application/json",
        headers: { Location: `/api/v1/assistant/replies/${replyId}` },
        body: JSON.stringify({
          id: replyId,
          conversation_id: conversation.id,
          status: "pending",
          message_id: messageId,
          pieces: 0,
          content: "",
          error: "",
          reply: null,
          events: `/api/v1/assistant/replies/${replyId}/events`,
        }),
      });
      return;
    }
    if (request.method() === "GET" && url.pathname.endsWith(`/replies/${replyId}/events`)) {
      const last = (await request.allHeaders())["last-event-id"];
      lastIds.push(last);
      // As the API does: an answer ends with `continue`; the next resumes after
      // Last-Event-ID when the browser sends it, or starts again from the first piece.
      const answer = lastIds.length;
      if (answer > 1) await gates[answer - 2]!.opened;
      const after = Number(last ?? 0);
      const pieces = ["Try a steady", " wind-down", " before bed."];
      const upTo = answer === 1 ? 2 : 3;
      const deltas = pieces.slice(0, upTo).map((p, k) => ({ p, n: k + 1 })).filter(({ n }) => n > after);
      const body = sse(
        ...deltas.map(({ p, n }) => event("delta", n, p)),
        answer < 3
          ? event("continue", upTo, { after: upTo }, 0)
          : event("done", 3, {
              reply: {
                id: randomUUID(),
                position: 1,
                role: "assistant",
                content: "Try a steady wind-down before bed.",
                created_at: new Date().toISOString(),
              },
              quota: { limit: 50, used: 1, remaining: 49, resets_at: new Date(Date.now() + 3_600_000).toISOString(), day: "UTC" },
            }),
      );
      await route.fulfill({ status: 200, headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-store" }, body });
      return;
    }
    await route.fallback();
  });

  await page.goto("/assistant/");
  await expect(page.getByRole("heading", { name: "Sleep" })).toBeVisible();
  await page.getByRole("textbox", { name: "Message" }).fill("How can I sleep better?");
  await page.getByRole("textbox", { name: "Message" }).press("Enter");

  const messages = page.getByRole("list", { name: "Messages" });
  await expect(messages.getByRole("listitem").filter({ hasText: "How can I sleep better?" })).toBeVisible();
  // The reply so far, shown as it is written.
  const writing = messages.getByRole("listitem").filter({ hasText: "Assistant" }).locator("[aria-busy=true]");
  await expect(writing).toHaveText(/^AssistantTry a steady wind-down$/);
  await expect(page.getByRole("button", { name: "Send" })).toBeDisabled();
  gates[0]!.open();
  // After a reconnect: the next piece, and no piece twice.
  await expect(writing).toHaveText(/^AssistantTry a steady wind-down before bed\.$/);
  gates[1]!.open();
  await expect(messages.getByRole("listitem").filter({ hasText: "Try a steady wind-down before bed." })).toHaveCount(1);
  await expect(page.getByText("49 of 50")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Message" })).toHaveValue("");
  await expect(page.getByRole("status").filter({ hasText: "The assistant has answered." })).toBeAttached();
  // One message, one key (a UUID); the stream followed on after each `continue`, and was
  // closed on done: no fourth request.
  expect(keys).toHaveLength(1);
  expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  await expect(messages.getByRole("listitem")).toHaveCount(2);
  await expectAccessible(page);
  await screenshot(page, "assistant");
  expect(lastIds).toHaveLength(3);
  expect(signedIn.email).toContain("@");
});
