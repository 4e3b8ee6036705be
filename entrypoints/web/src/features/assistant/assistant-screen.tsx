"use client";
/** The assistant: conversations (start, rename, delete), their messages, and a composer whose
 * message becomes a reply job followed as the reply is written. The daily quota is shown, and
 * a server without a model says so beside the composer (the typed message stays). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from "react";
import { NetworkError } from "@/api/problem";
import { Button, Card, cx, Empty, ErrorNote, formError, PageHeader, QueryState, TextArea, TextField } from "@/components/ui";
import { forForm } from "@/features/settings/fields";
import {
  KEYS,
  assistantError,
  deleteConversation,
  fetchConversation,
  fetchConversations,
  fetchQuota,
  followReply,
  renameConversation,
  requestReply,
  startConversation,
  type Conversation,
  type ConversationDetail,
  type Message,
  type Quota,
} from "./api";

const UNTITLED = "New conversation";

function AssistantNote({ error, className }: { error: unknown; className?: string }) {
  if (!error) return null;
  return (
    <p role="alert" className={cx("rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800", className)}>
      {assistantError(error)}
    </p>
  );
}

function QuotaLine() {
  const quota = useQuery({ queryKey: KEYS.quota, queryFn: fetchQuota });
  if (quota.isPending) return <p className="text-sm text-muted">Checking today’s messages…</p>;
  if (quota.error) return <ErrorNote error={quota.error} />;
  const q = quota.data;
  const at = new Date(q.resets_at).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  return (
    <p className="text-sm text-muted" aria-live="polite">
      <strong className="text-ink">
        {q.remaining} of {q.limit}
      </strong>{" "}
      messages left today · more at {at}
    </p>
  );
}

function ConversationList({
  selected,
  onSelect,
}: {
  selected: string | null;
  onSelect: (id: string | null) => void;
}) {
  const queryClient = useQueryClient();
  const conversations = useQuery({ queryKey: KEYS.conversations, queryFn: fetchConversations });
  const start = useMutation({
    mutationFn: () => startConversation(),
    onSuccess: (c) => {
      queryClient.setQueryData<Conversation[]>(KEYS.conversations, (old) => [c, ...(old ?? [])]);
      queryClient.setQueryData<ConversationDetail>(KEYS.conversation(c.id), { conversation: c, messages: [] });
      onSelect(c.id);
    },
  });

  // The most recently active conversation opens first.
  useEffect(() => {
    const list = conversations.data;
    if (!list) return;
    if (selected && list.some((c) => c.id === selected)) return;
    onSelect(list[0]?.id ?? null);
  }, [conversations.data, selected, onSelect]);

  return (
    <Card title="Conversations" className="md:w-72 md:shrink-0">
      <Button variant="secondary" className="mb-3 w-full" busy={start.isPending} onClick={() => start.mutate()}>
        New conversation
      </Button>
      <ErrorNote error={start.error} className="mb-2" />
      <QueryState query={conversations} label="Loading conversations">
        {() =>
          (conversations.data ?? []).length === 0 ? (
            <Empty>No conversations yet. Write below to start one.</Empty>
          ) : (
            <ul aria-label="Conversations" className="flex flex-col gap-1">
              {(conversations.data ?? []).map((c) => (
                <li key={c.id}>
                  <button
                    type="button"
                    aria-current={c.id === selected ? "true" : undefined}
                    onClick={() => onSelect(c.id)}
                    className={cx(
                      "flex w-full flex-col rounded-lg px-3 py-2 text-left text-sm",
                      c.id === selected ? "bg-brand-100 font-semibold text-brand-800" : "text-ink hover:bg-stone-100",
                    )}
                  >
                    <span className="truncate">{c.title || UNTITLED}</span>
                    <span className="text-xs font-normal text-muted">
                      {c.message_count} {c.message_count === 1 ? "message" : "messages"}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
    </Card>
  );
}

function ConversationHeader({ conversation, onDeleted }: { conversation: Conversation; onDeleted: () => void }) {
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<"view" | "rename" | "delete">("view");
  const [title, setTitle] = useState(conversation.title);
  const rename = useMutation({
    mutationFn: () => forForm(renameConversation(conversation.id, title)),
    onSuccess: (c) => {
      queryClient.setQueryData<Conversation[]>(KEYS.conversations, (old) => old?.map((x) => (x.id === c.id ? c : x)));
      queryClient.setQueryData<ConversationDetail>(KEYS.conversation(c.id), (old) => (old ? { ...old, conversation: c } : old));
      setMode("view");
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteConversation(conversation.id),
    onSuccess: () => {
      queryClient.setQueryData<Conversation[]>(KEYS.conversations, (old) => old?.filter((x) => x.id !== conversation.id));
      queryClient.removeQueries({ queryKey: KEYS.conversation(conversation.id) });
      void queryClient.invalidateQueries({ queryKey: KEYS.conversations });
      onDeleted();
    },
  });

  if (mode === "rename") {
    return (
      <form
        className="mb-3 flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          rename.mutate();
        }}
        noValidate
      >
        <TextField
          label="Conversation title"
          name="title"
          value={title}
          autoFocus
          maxLength={120}
          onChange={(e) => setTitle(e.target.value)}
          field="title"
          error={rename.error}
          className="min-w-0 flex-1"
        />
        <Button type="submit" busy={rename.isPending}>
          Save title
        </Button>
        <Button variant="secondary" onClick={() => setMode("view")}>
          Cancel
        </Button>
        <ErrorNote error={formError(rename.error, ["title"])} className="w-full" />
      </form>
    );
  }

  return (
    <div className="mb-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="min-w-0 truncate text-base font-semibold">{conversation.title || UNTITLED}</h2>
        <div className="flex gap-2">
          <Button
            variant="ghost"
            onClick={() => {
              setTitle(conversation.title);
              rename.reset();
              setMode("rename");
            }}
          >
            Rename
          </Button>
          <Button variant="ghost" onClick={() => setMode("delete")}>
            Delete
          </Button>
        </div>
      </div>
      {mode === "delete" && (
        <div role="group" aria-label="Confirm deletion" className="mt-2 flex flex-wrap items-center gap-2 rounded-lg border border-red-200 bg-red-50 p-3 text-sm">
          <span className="text-red-800">Delete this conversation and all its messages?</span>
          <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate()}>
            Delete conversation
          </Button>
          <Button variant="secondary" onClick={() => setMode("view")}>
            Keep it
          </Button>
          <ErrorNote error={remove.error} className="w-full" />
        </div>
      )}
    </div>
  );
}

function Bubble({ role, children, busy }: { role: string; children: ReactNode; busy?: boolean }) {
  const mine = role === "user";
  return (
    <li className={cx("flex", mine ? "justify-end" : "justify-start")}>
      <div
        aria-busy={busy || undefined}
        className={cx(
          "max-w-[85%] rounded-2xl px-4 py-2 text-sm",
          mine ? "bg-brand-700 text-white" : "border border-stone-200 bg-stone-50 text-ink",
        )}
      >
        <p className={cx("mb-0.5 text-xs font-semibold", mine ? "text-brand-50" : "text-muted")}>{mine ? "You" : "Assistant"}</p>
        <div className="whitespace-pre-wrap break-words">{children}</div>
      </div>
    </li>
  );
}

interface Live {
  conversationId: string;
  text: string;
}

export function AssistantScreen() {
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<string | null>(null);
  const [draft, setDraft] = useState("");
  const [live, setLive] = useState<Live | null>(null);
  const [streamError, setStreamError] = useState<unknown>(null);
  const [announce, setAnnounce] = useState("");
  /** The key of the message being sent: kept until an answer comes, so a retry after a lost
   * answer is the same message; a new one for a new or refused message. */
  const pendingKey = useRef<{ content: string; key: string } | null>(null);
  const stopFollowing = useRef<(() => void) | null>(null);
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    document.title = "Assistant · ReFocused";
    return () => stopFollowing.current?.();
  }, []);

  const detail = useQuery({
    queryKey: KEYS.conversation(selected ?? ""),
    queryFn: () => fetchConversation(selected!),
    enabled: !!selected,
  });

  const messages = detail.data?.messages ?? [];
  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [messages.length, live?.text]);

  function append(conversationId: string, ...added: Message[]) {
    queryClient.setQueryData<ConversationDetail>(KEYS.conversation(conversationId), (old) =>
      old ? { ...old, messages: [...old.messages, ...added.filter((m) => !old.messages.some((x) => x.id === m.id))] } : old,
    );
  }

  const send = useMutation({
    mutationFn: async (content: string) => {
      let conversationId = selected;
      if (!conversationId) {
        const c = await startConversation();
        queryClient.setQueryData<Conversation[]>(KEYS.conversations, (old) => [c, ...(old ?? [])]);
        queryClient.setQueryData<ConversationDetail>(KEYS.conversation(c.id), { conversation: c, messages: [] });
        conversationId = c.id;
        setSelected(c.id);
      }
      if (!pendingKey.current || pendingKey.current.content !== content) {
        pendingKey.current = { content, key: crypto.randomUUID() };
      }
      try {
        const job = await requestReply(conversationId, content, pendingKey.current.key);
        pendingKey.current = null;
        return { job, conversationId, content };
      } catch (e) {
        // No answer at all: the same key again is the same message. Any refusal: a new key.
        if (!(e instanceof NetworkError)) pendingKey.current = null;
        throw e;
      }
    },
    onMutate: () => {
      setStreamError(null);
      setAnnounce("");
    },
    onSuccess: ({ job, conversationId, content }) => {
      setDraft("");
      append(conversationId, {
        id: job.message_id,
        position: Number.MAX_SAFE_INTEGER,
        role: "user",
        content,
        created_at: new Date().toISOString(),
      });
      setLive({ conversationId, text: job.content ?? "" });
      stopFollowing.current?.();
      stopFollowing.current = followReply(job, {
        onText: (text) => setLive({ conversationId, text }),
        onDone: (reply, quota) => {
          if (reply) append(conversationId, reply);
          setLive(null);
          setAnnounce("The assistant has answered.");
          if (quota) queryClient.setQueryData<Quota>(KEYS.quota, quota);
          else void queryClient.invalidateQueries({ queryKey: KEYS.quota });
          void queryClient.invalidateQueries({ queryKey: KEYS.conversations });
          if (!reply) void queryClient.invalidateQueries({ queryKey: KEYS.conversation(conversationId) });
        },
        onError: (error) => {
          setLive(null);
          setStreamError(error);
          void queryClient.invalidateQueries({ queryKey: KEYS.conversation(conversationId) });
        },
      });
    },
  });

  function submit(e?: FormEvent) {
    e?.preventDefault();
    const content = draft.trim();
    if (!content || send.isPending || live) return;
    send.mutate(content);
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  }

  const showLive = live && live.conversationId === selected;
  const conversation = detail.data?.conversation;

  return (
    <>
      <PageHeader title="Assistant">
        <QuotaLine />
      </PageHeader>
      <div className="flex flex-col gap-4 md:flex-row md:items-start">
        <ConversationList selected={selected} onSelect={setSelected} />
        <Card className="min-w-0 flex-1">
          {selected && conversation && (
            <ConversationHeader key={conversation.id} conversation={conversation} onDeleted={() => setSelected(null)} />
          )}
          {selected ? (
            <QueryState query={detail} label="Loading messages">
              {() =>
                messages.length === 0 && !showLive ? (
                  <Empty>Ask anything about focus, habits or study. Replies are short and kind.</Empty>
                ) : (
                  <ol ref={listRef} aria-label="Messages" tabIndex={0} className="flex max-h-[60vh] flex-col gap-3 overflow-y-auto pr-1">
                    {messages.map((m) => (
                      <Bubble key={m.id} role={m.role}>
                        {m.content}
                      </Bubble>
                    ))}
                    {showLive && (
                      <Bubble role="assistant" busy>
                        {live.text || <span className="text-muted">Thinking…</span>}
                      </Bubble>
                    )}
                  </ol>
                )
              }
            </QueryState>
          ) : (
            <Empty>Start a conversation: write your first message below.</Empty>
          )}
          <p className="sr-only" role="status">
            {showLive ? "The assistant is writing." : announce}
          </p>
          <form onSubmit={submit} className="mt-4 flex flex-col gap-2 border-t border-stone-200 pt-4" noValidate>
            <TextArea
              label="Message"
              name="content"
              rows={3}
              value={draft}
              maxLength={4000}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={onKeyDown}
              field="content"
              error={send.error}
              hint="Enter sends; Shift+Enter starts a new line."
            />
            <AssistantNote error={formError(send.error, ["content"]) ?? streamError} />
            <div>
              <Button type="submit" busy={send.isPending || !!live} disabled={!draft.trim()}>
                Send
              </Button>
            </div>
          </form>
        </Card>
      </div>
    </>
  );
}
