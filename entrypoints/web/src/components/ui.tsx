"use client";
/** The few building blocks every screen shares: labelled fields that show the API's message
 * for them, buttons, cards, and the loading, empty and error states. */
import { useId, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode } from "react";
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

type FieldProps = InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  /** The API's field name, to show its message from `error`. */
  field?: string;
  error?: unknown;
  hint?: string;
};

export function TextField({ label, field, error, hint, className, ...rest }: FieldProps) {
  const id = useId();
  const message = field && error instanceof ApiError ? error.fieldMessage(field) : undefined;
  return (
    <div className={cx("flex flex-col gap-1", className)}>
      <label htmlFor={id} className="text-sm font-medium text-ink">
        {label}
      </label>
      <input
        id={id}
        {...rest}
        aria-invalid={message ? true : undefined}
        aria-describedby={message ? `${id}-error` : hint ? `${id}-hint` : undefined}
        className={cx(
          "min-h-10 rounded-lg border bg-white px-3 py-2 text-base text-ink",
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
          {message}
        </p>
      )}
    </div>
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
