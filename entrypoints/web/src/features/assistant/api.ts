/** The assistant's data: conversations, their messages, the daily quota, and a reply followed
 * as it is written (docs/api.md, "The assistant's stream"). */
import { API_ORIGIN, api, refreshSession, unwrap } from "@/api/client";
import { ApiError, humanError } from "@/api/problem";
import type { components } from "@/api/schema";

export type Conversation = components["schemas"]["ConversationRead"];
export type ConversationDetail = components["schemas"]["ConversationDetail"];
export type Message = components["schemas"]["MessageRead"];
export type Quota = components["schemas"]["QuotaRead"];
/** The 202 body of POST .../replies (the OpenAPI document leaves it untyped). */
export type ReplyJob = components["schemas"]["ReplyJobRead"];

export const KEYS = {
  all: ["assistant"] as const,
  conversations: ["assistant", "conversations"] as const,
  conversation: (id: string) => ["assistant", "conversation", id] as const,
  quota: ["assistant", "quota"] as const,
};

export function fetchConversations() {
  return unwrap(api.GET("/api/v1/assistant/conversations"));
}

export function fetchConversation(id: string) {
  return unwrap(api.GET("/api/v1/assistant/conversations/{conversation_id}", { params: { path: { conversation_id: id } } }));
}

export function fetchQuota() {
  return unwrap(api.GET("/api/v1/assistant/quota"));
}

export function startConversation(title = "") {
  return unwrap(api.POST("/api/v1/assistant/conversations", { body: { title } }));
}

export function renameConversation(id: string, title: string) {
  return unwrap(
    api.PATCH("/api/v1/assistant/conversations/{conversation_id}", {
      params: { path: { conversation_id: id } },
      body: { title },
    }),
  );
}

export function deleteConversation(id: string) {
  return unwrap(api.DELETE("/api/v1/assistant/conversations/{conversation_id}", { params: { path: { conversation_id: id } } }));
}

/** Sends a message as a reply job: 202 at once with where to follow the reply. */
export function requestReply(conversationId: string, content: string, key: string): Promise<ReplyJob> {
  return unwrap(
    api.POST("/api/v1/assistant/conversations/{conversation_id}/replies", {
      params: { path: { conversation_id: conversationId }, header: { "Idempotency-Key": key } },
      body: { content },
    }),
  );
}

export function fetchReply(id: string) {
  return unwrap(api.GET("/api/v1/assistant/replies/{reply_id}", { params: { path: { reply_id: id } } }));
}

/** A sentence for what went wrong with the assistant: the quota's reset time, or the API's. */
export function assistantError(error: unknown): string {
  if (error instanceof ApiError && error.status === 429 && typeof error.body.resets_at === "string") {
    const at = new Date(error.body.resets_at).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
    return `You have used all of today’s messages. You can send more at ${at}.`;
  }
  if (error instanceof ApiError && error.status === 503) {
    // The API's detail names the settings an operator would change; a person needs less.
    return "The assistant is not available on this server right now. Everything else works as usual.";
  }
  return humanError(error);
}

export interface FollowHandlers {
  /** The reply so far, each time a piece arrives. */
  onText: (text: string) => void;
  onDone: (reply: Message | null, quota: Quota | null) => void;
  onError: (error: unknown) => void;
}

/** Follows a reply's events with EventSource: `delta` pieces are appended in order, `done`
 * and `error` end it and close the source. After `continue` the browser reconnects by itself,
 * with Last-Event-ID when it sends it. Each piece's number is its event id and a piece already
 * seen is skipped, so nothing is repeated even when the next answer starts again from the
 * first piece (a reconnect without the header, or a new source). When the source cannot go
 * on (a 401 after the access token expired, say) the session is refreshed and the reply
 * followed again, a few times at most. Returns a function that stops it. */
export function followReply(job: ReplyJob, handlers: FollowHandlers): () => void {
  let source: EventSource | null = null;
  let stopped = false;
  let attempts = 0;
  let text = "";
  let seen = 0;

  const stop = () => {
    stopped = true;
    source?.close();
    source = null;
  };

  const open = () => {
    if (stopped) return;
    const es = new EventSource(`${API_ORIGIN}${job.events}`, { withCredentials: true });
    source = es;
    es.addEventListener("delta", (e) => {
      const event = e as MessageEvent<string>;
      const n = Number(event.lastEventId);
      if (Number.isInteger(n) && n > 0) {
        if (n <= seen) return;
        seen = n;
      }
      text += JSON.parse(event.data) as string;
      handlers.onText(text);
    });
    // `continue`: this answer ends here, under the gateway's time limit, and EventSource
    // reconnects by itself (the server asks for no delay); nothing to do.
    es.addEventListener("done", (e) => {
      stop();
      const data = JSON.parse((e as MessageEvent<string>).data) as { reply?: Message | null; quota?: Quota | null };
      handlers.onDone(data.reply ?? null, data.quota ?? null);
    });
    es.addEventListener("error", (e) => {
      const data = (e as MessageEvent<string>).data;
      if (typeof data === "string" && data) {
        // The server's own `error` event: the model failed; this reply is over.
        stop();
        let detail = "the assistant failed to answer; send the message again";
        try {
          detail = (JSON.parse(data) as { detail?: string }).detail || detail;
        } catch {
          /* keep the general sentence */
        }
        handlers.onError(new ApiError(502, { detail }));
        return;
      }
      // A dropped connection: EventSource reconnects by itself unless it gave up.
      if (es.readyState !== EventSource.CLOSED || stopped) return;
      source = null;
      void recover();
    });
  };

  const recover = async () => {
    attempts += 1;
    try {
      await refreshSession();
      const now = await fetchReply(job.id);
      if (stopped) return;
      if (now.status === "done") {
        stop();
        handlers.onDone(now.reply ?? null, null);
        return;
      }
      if (now.status === "failed") {
        stop();
        handlers.onError(new ApiError(502, { detail: now.error || "the assistant failed to answer; send the message again" }));
        return;
      }
      if (attempts > 3) throw new ApiError(503, { detail: "the reply could not be followed; reload the page to see it" });
      open();
    } catch (error) {
      if (!stopped) {
        stop();
        handlers.onError(error);
      }
    }
  };

  const written = job.reply;
  if (job.status === "done" && written) {
    // The same key sent again after its reply was written: nothing to follow.
    queueMicrotask(() => handlers.onDone(written, null));
  } else if (job.status === "failed") {
    queueMicrotask(() => handlers.onError(new ApiError(502, { detail: job.error || "the assistant failed to answer" })));
  } else {
    open();
  }
  return stop;
}
