"use client";
/** The rich text editor: Quill 2, loaded only when an entry is being written (dynamic
 * import), with a toolbar of labelled buttons of our own. An entry opened and saved unchanged
 * gives back exactly the delta it was opened with. */
import "quill/dist/quill.snow.css";
import "./journal.css";
import type QuillType from "quill";
import { forwardRef, useEffect, useId, useImperativeHandle, useRef, useState, type ReactNode } from "react";
import { Button, Loading, cx } from "@/components/ui";
import { safeHref, type Delta } from "./delta";

export interface EditorHandle {
  /** The document now: the very delta it was opened with when nothing changed. */
  value(): Delta;
  ready(): boolean;
}

type Formats = Record<string, unknown>;

function ToolButton({ label, pressed, onClick, children }: { label: string; pressed?: boolean; onClick: () => void; children: ReactNode }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      aria-pressed={pressed === undefined ? undefined : pressed}
      onMouseDown={(e) => e.preventDefault()}
      onClick={onClick}
      className={cx(
        "inline-flex min-h-9 min-w-9 items-center justify-center rounded-md border px-2 text-sm",
        pressed ? "border-brand-700 bg-brand-50 text-brand-800" : "border-stone-300 bg-white text-ink hover:bg-stone-50",
      )}
    >
      {children}
    </button>
  );
}

export const Editor = forwardRef<EditorHandle, { initial: Delta; label: string; onReady?: () => void }>(function Editor(
  { initial, label, onReady },
  ref,
) {
  const host = useRef<HTMLDivElement>(null);
  const quill = useRef<QuillType | null>(null);
  const baseline = useRef<string>("");
  const [loaded, setLoaded] = useState(false);
  const [failed, setFailed] = useState(false);
  const [formats, setFormats] = useState<Formats>({});
  const [linking, setLinking] = useState(false);
  const [linkUrl, setLinkUrl] = useState("https://");
  const [linkError, setLinkError] = useState("");
  const labelId = useId();
  const initialRef = useRef(initial);
  const onReadyRef = useRef(onReady);
  onReadyRef.current = onReady;

  useImperativeHandle(ref, () => ({
    ready: () => !!quill.current,
    value: () => {
      const q = quill.current;
      if (!q) return initialRef.current;
      const now = q.getContents().ops;
      if (JSON.stringify(now) === baseline.current) return structuredClone(initialRef.current);
      return { ops: now as Delta["ops"] };
    },
  }));

  useEffect(() => {
    let cancelled = false;
    const container = host.current!;
    import("quill")
      .then(({ default: Quill }) => {
        if (cancelled) return;
        const el = document.createElement("div");
        container.replaceChildren(el);
        const q = new Quill(el, {
          theme: "snow",
          formats: ["bold", "italic", "underline", "strike", "link", "header", "list", "blockquote", "code", "code-block", "indent"],
          modules: {
            toolbar: false,
            // Tab leaves the editor (no keyboard trap) instead of inserting a tab or indenting.
            keyboard: { bindings: { tab: false, indent: false, outdent: false } },
          },
        });
        q.setContents(initialRef.current.ops as never, "silent");
        q.history.clear();
        baseline.current = JSON.stringify(q.getContents().ops);
        const root = q.root;
        root.setAttribute("role", "textbox");
        root.setAttribute("aria-multiline", "true");
        root.setAttribute("aria-labelledby", labelId);
        q.on("editor-change", () => {
          const range = q.getSelection();
          if (range) setFormats(q.getFormat(range));
        });
        quill.current = q;
        setLoaded(true);
        onReadyRef.current?.();
      })
      .catch(() => {
        if (!cancelled) setFailed(true);
      });
    return () => {
      cancelled = true;
      quill.current = null;
      container.replaceChildren();
    };
  }, [labelId]);

  function toggle(name: string, value: unknown = true) {
    const q = quill.current;
    if (!q) return;
    const range = q.getSelection(true);
    const current = q.getFormat(range)[name];
    q.format(name, current === value ? false : value, "user");
    setFormats(q.getFormat(q.getSelection(true)));
  }

  function applyLink() {
    const q = quill.current;
    if (!q) return;
    const href = safeHref(linkUrl);
    if (!href) {
      setLinkError("Use a web address that starts with https://, http:// or mailto:.");
      return;
    }
    const range = q.getSelection(true);
    if (range.length === 0) {
      q.insertText(range.index, linkUrl.trim(), { link: href }, "user");
    } else {
      q.formatText(range.index, range.length, "link", href, "user");
    }
    setLinking(false);
    setLinkError("");
  }

  return (
    <div className="flex flex-col gap-1">
      <span id={labelId} className="text-sm font-medium text-ink">
        {label}
      </span>
      <div role="toolbar" aria-label="Formatting" className="flex flex-wrap gap-1">
        <ToolButton label="Bold" pressed={!!formats.bold} onClick={() => toggle("bold")}>
          <strong>B</strong>
        </ToolButton>
        <ToolButton label="Italic" pressed={!!formats.italic} onClick={() => toggle("italic")}>
          <em>I</em>
        </ToolButton>
        <ToolButton label="Heading" pressed={formats.header === 1} onClick={() => toggle("header", 1)}>
          H1
        </ToolButton>
        <ToolButton label="Subheading" pressed={formats.header === 2} onClick={() => toggle("header", 2)}>
          H2
        </ToolButton>
        <ToolButton label="Bulleted list" pressed={formats.list === "bullet"} onClick={() => toggle("list", "bullet")}>
          • List
        </ToolButton>
        <ToolButton label="Numbered list" pressed={formats.list === "ordered"} onClick={() => toggle("list", "ordered")}>
          1. List
        </ToolButton>
        <ToolButton label="Quote" pressed={!!formats.blockquote} onClick={() => toggle("blockquote")}>
          “ ”
        </ToolButton>
        <ToolButton label="Link" pressed={!!formats.link} onClick={() => (formats.link ? toggle("link", formats.link) : setLinking((v) => !v))}>
          Link
        </ToolButton>
      </div>
      {linking && (
        <div className="flex flex-wrap items-end gap-2 rounded-lg border border-stone-200 p-2">
          <div className="flex flex-col gap-1">
            <label htmlFor={`${labelId}-link`} className="text-sm font-medium text-ink">
              Link address
            </label>
            <input
              id={`${labelId}-link`}
              value={linkUrl}
              onChange={(e) => setLinkUrl(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter") {
                  e.preventDefault();
                  applyLink();
                }
              }}
              aria-invalid={linkError ? true : undefined}
              aria-describedby={linkError ? `${labelId}-link-error` : undefined}
              className="min-h-10 rounded-lg border border-stone-300 px-3 py-2 text-base"
            />
          </div>
          <Button variant="secondary" onClick={applyLink}>Add link</Button>
          <Button variant="ghost" onClick={() => setLinking(false)}>Cancel</Button>
          {linkError && (
            <p id={`${labelId}-link-error`} className="w-full text-sm text-red-800">
              {linkError}
            </p>
          )}
        </div>
      )}
      {!loaded && !failed && <Loading label="Loading the editor" />}
      {failed && (
        <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800">
          The editor could not be loaded. Reload the page and try again.
        </p>
      )}
      <div ref={host} className={cx("journal-editor rounded-lg bg-white", !loaded && "hidden")} />
    </div>
  );
});
