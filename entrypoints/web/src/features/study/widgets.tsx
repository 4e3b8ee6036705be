"use client";
/** Study's own small pieces the shared kit has no equivalent for: a multi-line field that shows
 * the API's message for it, and a confirmation dialog (native <dialog>: focus stays inside and
 * Escape cancels). */
import { useEffect, useId, useRef, type ReactNode, type TextareaHTMLAttributes } from "react";
import { ApiError } from "@/api/problem";
import { Button, ErrorNote, cx } from "@/components/ui";

type AreaProps = TextareaHTMLAttributes<HTMLTextAreaElement> & {
  label: string;
  field?: string;
  error?: unknown;
  hint?: ReactNode;
  /** Monospaced text, where tabs and columns matter. */
  mono?: boolean;
};

export function TextArea({ label, field, error, hint, className, mono, id: givenId, ...rest }: AreaProps) {
  const generated = useId();
  const id = givenId ?? generated;
  const message = field && error instanceof ApiError ? error.fieldMessage(field) : undefined;
  return (
    <div className={cx("flex flex-col gap-1", className)}>
      <label htmlFor={id} className="text-sm font-medium text-ink">
        {label}
      </label>
      <textarea
        id={id}
        rows={3}
        {...rest}
        aria-invalid={message ? true : undefined}
        aria-describedby={message ? `${id}-error` : hint ? `${id}-hint` : undefined}
        className={cx(
          "rounded-lg border bg-white px-3 py-2 text-base text-ink",
          mono && "font-mono",
          message ? "border-red-700" : "border-stone-300",
        )}
      />
      {hint && !message && (
        <p id={`${id}-hint`} className="text-xs text-muted">
          {hint}
        </p>
      )}
      {message && (
        <p id={`${id}-error`} className="text-sm text-red-800">
          {capital(message)}
        </p>
      )}
    </div>
  );
}

function capital(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

/** An error that is not about one of the form's fields (those show beside their field). */
export function FormError({ error, fields }: { error: unknown; fields: string[] }) {
  if (!error) return null;
  if (error instanceof ApiError && error.fields.length > 0 && error.fields.every((f) => fields.some((n) => f.field === n || f.field.startsWith(`${n}.`)))) {
    return null;
  }
  return <ErrorNote error={error} />;
}

export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  busy,
  error,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
  error?: unknown;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-2xl border border-stone-200 bg-white p-5 text-ink shadow-lg backdrop:bg-black/40"
    >
      {open && (
        <>
          <h2 id={titleId} className="text-lg font-semibold">
            {title}
          </h2>
          <div className="mt-2 text-sm text-ink">{children}</div>
          <ErrorNote error={error} className="mt-3" />
          <div className="mt-5 flex flex-wrap justify-end gap-2">
            <Button variant="secondary" onClick={onCancel} autoFocus>
              Cancel
            </Button>
            <Button variant="danger" onClick={onConfirm} busy={busy}>
              {confirmLabel}
            </Button>
          </div>
        </>
      )}
    </dialog>
  );
}

export function CardSides({
  front,
  back,
  setFront,
  setBack,
  error,
  frontId,
}: {
  front: string;
  back: string;
  setFront: (v: string) => void;
  setBack: (v: string) => void;
  error: unknown;
  frontId?: string;
}) {
  return (
    <>
      <TextArea label="Front" id={frontId} field="front" error={error} value={front} onChange={(e) => setFront(e.target.value)} required maxLength={20000} />
      <TextArea label="Back" field="back" error={error} value={back} onChange={(e) => setBack(e.target.value)} required maxLength={20000} />
    </>
  );
}
