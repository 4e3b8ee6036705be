"use client";
/** A confirmation before something that cannot be undone: a native <dialog> (focus stays inside,
 * Escape cancels), the consequence in words, Cancel first. */
import { useEffect, useId, useRef, type ReactNode } from "react";
import { Button, ErrorNote } from "./ui";

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

/** A confirmation in place, under what it is about: the consequence, the action, and a way out. */
export function InlineConfirm({
  label,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  busy,
  error,
}: {
  /** What the group is for, for screen readers ("Confirm deleting Read"). */
  label: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
  error?: unknown;
}) {
  return (
    <div role="group" aria-label={label} className="rounded-lg border border-red-200 bg-red-50 p-3">
      <p className="text-sm text-red-900">{children}</p>
      <div className="mt-3 flex gap-2">
        <Button variant="danger" busy={busy} onClick={onConfirm}>
          {confirmLabel}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Keep it
        </Button>
      </div>
      <ErrorNote error={error} className="mt-2" />
    </div>
  );
}
