"use client";
/** The few building blocks every screen shares: labelled fields that show the API's message
 * for them, buttons, cards, and the loading, empty and error states. */
import {
  useId,
  type ButtonHTMLAttributes,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from "react";
import { ApiError, humanError } from "@/api/problem";

export function cx(...parts: (string | false | null | undefined)[]): string {
  return parts.filter(Boolean).join(" ");
}

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: "primary" | "secondary" | "danger" | "ghost";
  busy?: boolean;
};

export function Button({ variant = "primary", busy, className, children, disabled, ...rest }: ButtonProps) {
  const styles = {
    primary: "bg-brand-700 text-white hover:bg-brand-800",
    secondary: "bg-white text-ink border border-stone-300 hover:bg-stone-50",
    danger: "bg-red-700 text-white hover:bg-red-800",
    ghost: "text-brand-800 hover:bg-brand-50",
  }[variant];
  return (
    <button
      type="button"
      {...rest}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      className={cx(
        "inline-flex min-h-10 items-center justify-center gap-2 rounded-lg px-4 py-2 text-sm font-medium transition disabled:cursor-not-allowed disabled:opacity-60",
        styles,
        className,
      )}
    >
      {children}
    </button>
  );
}

interface FieldOwn {
  label: string;
  /** The API's field name, to show its message from `error`. */
  field?: string;
  error?: unknown;
  hint?: ReactNode;
}

const control = (message: string | undefined) =>
  cx("rounded-lg border bg-white px-3 py-2 text-base text-ink", message ? "border-red-700" : "border-stone-300");

/** A label, the control, and under it the hint or the API's message for that field. */
function Field({
  label,
  field,
  error,
  hint,
  className,
  id: givenId,
  children,
}: FieldOwn & { className?: string; id?: string; children: (id: string, message: string | undefined, describedBy: string | undefined) => ReactNode }) {
  const generated = useId();
  const id = givenId ?? generated;
  const message = field && error instanceof ApiError ? error.fieldMessage(field) : undefined;
  const describedBy = message ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className={cx("flex flex-col gap-1", className)}>
      <label htmlFor={id} className="text-sm font-medium text-ink">
        {label}
      </label>
      {children(id, message, describedBy)}
      {hint && !message && (
        <p id={`${id}-hint`} className="text-xs text-muted">
          {hint}
        </p>
      )}
      {message && (
        <p id={`${id}-error`} className="text-sm text-red-800">
          {message}
        </p>
      )}
    </div>
  );
}

export function TextField({ label, field, error, hint, className, id, ...rest }: InputHTMLAttributes<HTMLInputElement> & FieldOwn) {
  return (
    <Field label={label} field={field} error={error} hint={hint} className={className} id={id}>
      {(fid, message, describedBy) => (
        <input id={fid} {...rest} aria-invalid={message ? true : undefined} aria-describedby={describedBy} className={cx("min-h-10", control(message))} />
      )}
    </Field>
  );
}

export function TextArea({
  label,
  field,
  error,
  hint,
  className,
  id,
  mono,
  ...rest
}: TextareaHTMLAttributes<HTMLTextAreaElement> & FieldOwn & { /** Monospaced, where tabs and columns matter. */ mono?: boolean }) {
  return (
    <Field label={label} field={field} error={error} hint={hint} className={className} id={id}>
      {(fid, message, describedBy) => (
        <textarea
          id={fid}
          rows={3}
          {...rest}
          aria-invalid={message ? true : undefined}
          aria-describedby={describedBy}
          className={cx(control(message), mono && "font-mono")}
        />
      )}
    </Field>
  );
}

export function SelectField({ label, field, error, hint, className, id, children, ...rest }: SelectHTMLAttributes<HTMLSelectElement> & FieldOwn) {
  return (
    <Field label={label} field={field} error={error} hint={hint} className={className} id={id}>
      {(fid, message, describedBy) => (
        <select id={fid} {...rest} aria-invalid={message ? true : undefined} aria-describedby={describedBy} className={cx("min-h-10", control(message))}>
          {children}
        </select>
      )}
    </Field>
  );
}

/** The error for a form's own note: nothing when every problem the API named is already
 * shown beside its field (one of `fields`). */
export function formError(error: unknown, fields: string[]): unknown {
  const besideFields =
    error instanceof ApiError &&
    error.fields.length > 0 &&
    error.fields.every((f) => fields.some((n) => f.field === n || f.field.startsWith(`${n}.`) || f.field.startsWith(`${n}[`)));
  return besideFields ? null : error;
}

export function FormError({ error, fields, className }: { error: unknown; fields: string[]; className?: string }) {
  return <ErrorNote error={formError(error, fields)} className={className} />;
}

/** A short confirmation that something worked, read out by screen readers. */
export function Done({ children, className }: { children: ReactNode; className?: string }) {
  if (!children) return null;
  return (
    <p role="status" className={cx("rounded-lg bg-brand-50 px-3 py-2 text-sm text-brand-800", className)}>
      {children}
    </p>
  );
}

/** The sentence for an error, where the thing it is about is. */
export function ErrorNote({ error, className }: { error: unknown; className?: string }) {
  if (!error) return null;
  return (
    <p role="alert" className={cx("rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800", className)}>
      {humanError(error)}
    </p>
  );
}

export function Card({ title, action, children, className }: { title?: ReactNode; action?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={cx("rounded-2xl border border-stone-200 bg-white p-5 shadow-sm", className)}>
      {(title || action) && (
        <div className="mb-3 flex items-center justify-between gap-2">
          {title && <h2 className="text-base font-semibold text-ink">{title}</h2>}
          {action}
        </div>
      )}
      {children}
    </section>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-3">
      <h1 className="text-2xl font-semibold tracking-tight text-ink">{title}</h1>
      {children}
    </div>
  );
}

export function Loading({ label = "Loading" }: { label?: string }) {
  return (
    <div role="status" className="flex items-center gap-2 py-6 text-sm text-muted">
      <span className="size-4 animate-spin rounded-full border-2 border-brand-500 border-t-transparent" aria-hidden />
      {label}…
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="rounded-lg border border-dashed border-stone-300 px-4 py-6 text-center text-sm text-muted">{children}</p>;
}

/** What a query shows while it loads or when it failed; its children otherwise. */
export function QueryState({ query, label, children }: { query: { isPending: boolean; error: unknown }; label?: string; children: () => ReactNode }) {
  if (query.isPending) return <Loading label={label} />;
  if (query.error) return <ErrorNote error={query.error} />;
  return <>{children()}</>;
}
