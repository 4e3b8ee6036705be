"use client";
/** Feedback: a message to the team (a bug, an idea, praise), and the features people propose
 * and vote for. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { Button, Card, cx, Done, Empty, ErrorNote, formError, PageHeader, QueryState, SelectField, TextArea, TextField } from "@/components/ui";
import { forForm } from "@/features/settings/fields";

type Feature = components["schemas"]["FeatureRead"];
type Category = components["schemas"]["FeedbackCreate"]["category"];
export const FEATURES = ["features"] as const;

const CATEGORIES: { value: Category; label: string }[] = [
  { value: "idea", label: "An idea" },
  { value: "bug", label: "Something is broken" },
  { value: "praise", label: "Something I like" },
  { value: "other", label: "Something else" },
];

const STATUS: Record<string, string> = { open: "Open", planned: "Planned", done: "Done" };

function FeedbackForm() {
  const [category, setCategory] = useState<Category>("idea");
  const [text, setText] = useState("");
  const [contact, setContact] = useState("");
  const send = useMutation({
    mutationFn: () =>
      forForm(
        unwrap(
          api.POST("/api/v1/feedback", {
            body: { category, text, contact: contact.trim() ? contact.trim() : null },
          }),
        ),
      ),
    onSuccess: () => {
      setText("");
    },
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    send.mutate();
  }

  return (
    <Card title="Tell us what you think">
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <SelectField
          label="What is it about?"
          name="category"
          value={category}
          onChange={(e) => setCategory(e.target.value as Category)}
          field="category"
          error={send.error}
        >
          {CATEGORIES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </SelectField>
        <TextArea
          label="Your feedback"
          name="text"
          value={text}
          maxLength={2000}
          onChange={(e) => {
            setText(e.target.value);
            if (send.isSuccess) send.reset();
          }}
          field="text"
          error={send.error}
          hint="Up to 2,000 characters."
        />
        <TextField
          label="Email for a reply (optional)"
          name="contact"
          type="email"
          autoComplete="email"
          value={contact}
          onChange={(e) => setContact(e.target.value)}
          field="contact"
          error={send.error}
          hint="Only if you would like an answer."
        />
        <ErrorNote error={formError(send.error, ["category", "text", "contact"])} />
        {send.isSuccess && <Done>Thank you: your feedback was received.</Done>}
        <div>
          <Button type="submit" busy={send.isPending}>
            Send feedback
          </Button>
        </div>
      </form>
    </Card>
  );
}

function ProposeForm() {
  const queryClient = useQueryClient();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const propose = useMutation({
    mutationFn: () => forForm(unwrap(api.POST("/api/v1/features", { body: { title, description } }))),
    onSuccess: (feature) => {
      queryClient.setQueryData<Feature[]>(FEATURES, (old) => (old ? [...old, feature] : [feature]));
      void queryClient.invalidateQueries({ queryKey: FEATURES });
      setTitle("");
      setDescription("");
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        propose.mutate();
      }}
      className="mt-4 flex flex-col gap-3 border-t border-stone-200 pt-4"
      noValidate
    >
      <h3 className="text-sm font-semibold">Propose a feature</h3>
      <TextField
        label="Feature title"
        name="title"
        value={title}
        maxLength={120}
        onChange={(e) => setTitle(e.target.value)}
        field="title"
        error={propose.error}
      />
      <TextArea
        label="What would it do? (optional)"
        name="description"
        rows={3}
        value={description}
        maxLength={2000}
        onChange={(e) => setDescription(e.target.value)}
        field="description"
        error={propose.error}
      />
      <ErrorNote error={formError(propose.error, ["title", "description"])} />
      {propose.isSuccess && <Done>Your proposal is on the list.</Done>}
      <div>
        <Button type="submit" variant="secondary" busy={propose.isPending}>
          Propose
        </Button>
      </div>
    </form>
  );
}

function Features() {
  const queryClient = useQueryClient();
  const features = useQuery({ queryKey: FEATURES, queryFn: () => unwrap(api.GET("/api/v1/features")) });
  const [failed, setFailed] = useState<{ id: string; error: unknown } | null>(null);
  const vote = useMutation({
    mutationFn: (f: Feature) => {
      const params = { params: { path: { feature_id: f.id } } };
      return unwrap(
        f.voted ? api.DELETE("/api/v1/features/{feature_id}/vote", params) : api.PUT("/api/v1/features/{feature_id}/vote", params),
      );
    },
    onMutate: async (f) => {
      setFailed(null);
      await queryClient.cancelQueries({ queryKey: FEATURES });
      const before = queryClient.getQueryData<Feature[]>(FEATURES);
      queryClient.setQueryData<Feature[]>(FEATURES, (old) =>
        old?.map((x) => (x.id === f.id ? { ...x, voted: !f.voted, votes: Math.max(0, x.votes + (f.voted ? -1 : 1)) } : x)),
      );
      return { before };
    },
    onError: (error, f, ctx) => {
      queryClient.setQueryData(FEATURES, ctx?.before);
      setFailed({ id: f.id, error });
    },
    onSuccess: (fresh) => {
      queryClient.setQueryData<Feature[]>(FEATURES, (old) => old?.map((x) => (x.id === fresh.id ? fresh : x)));
    },
  });

  return (
    <Card title="Features people want">
      <p className="mb-3 text-sm text-muted">Vote for what you would use; the most wanted come first.</p>
      <QueryState query={features} label="Loading proposed features">
        {() =>
          (features.data ?? []).length === 0 ? (
            <Empty>No feature has been proposed yet. Be the first below.</Empty>
          ) : (
            <ul aria-label="Proposed features" className="flex flex-col gap-2">
              {(features.data ?? []).map((f) => (
                <li key={f.id} className="flex items-start gap-3 rounded-lg border border-stone-200 p-3">
                  <button
                    type="button"
                    aria-pressed={f.voted}
                    aria-label={`Vote for ${f.title}: ${f.votes} ${f.votes === 1 ? "vote" : "votes"}`}
                    onClick={() => vote.mutate(f)}
                    className={cx(
                      "flex min-h-12 min-w-14 shrink-0 flex-col items-center justify-center rounded-lg border px-2 py-1 text-sm",
                      f.voted ? "border-brand-700 bg-brand-700 text-white" : "border-stone-300 bg-white text-ink hover:bg-stone-50",
                    )}
                  >
                    <span aria-hidden>▲</span>
                    <span className="font-semibold">{f.votes}</span>
                  </button>
                  <div className="min-w-0 flex-1 text-sm">
                    <p className="font-medium">
                      {f.title}
                      <span className="ml-2 rounded-full bg-stone-100 px-2 py-0.5 text-xs text-muted">{STATUS[f.status] ?? f.status}</span>
                      {f.voted && <span className="ml-2 text-xs text-brand-800">You voted</span>}
                    </p>
                    {f.description && <p className="mt-1 whitespace-pre-wrap text-muted">{f.description}</p>}
                    {failed?.id === f.id && <ErrorNote error={failed.error} className="mt-2" />}
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
      <ProposeForm />
    </Card>
  );
}

export function FeedbackScreen() {
  useEffect(() => {
    document.title = "Feedback · ReFocused";
  }, []);
  return (
    <>
      <PageHeader title="Feedback" />
      <div className="grid gap-4 lg:grid-cols-2">
        <FeedbackForm />
        <Features />
      </div>
    </>
  );
}
