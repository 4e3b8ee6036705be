"use client";
/** Form pieces the shared `TextField` does not cover (a select, a multi-line field) with the
 * same look and the same rule: the API's message for a field is shown beside it. Also the
 * wrong-password answer turned into a message for the password field. */
import { useId, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";
import { ApiError } from "@/api/problem";
import { cx } from "@/components/ui";

function fieldMessage(field: string | undefined, error: unknown): string | undefined {
  return field && error instanceof ApiError ? error.fieldMessage(field) : undefined;
}

function sentence(s: string): string {
  const t = s.trim();
  const c = t ? t[0]!.toUpperCase() + t.slice(1) : t;
  return /[.!?]$/.test(c) ? c : `${c}.`;
}

type SelectProps = SelectHTMLAttributes<HTMLSelectElement> & {
  label: string;
  field?: string;
  error?: unknown;
  hint?: ReactNode;
  children: ReactNode;
};

export function SelectField({ label, field, error, hint, className, children, ...rest }: SelectProps) {
  const id = useId();
  const message = fieldMessage(field, error);
  return (
    <div className={cx("flex flex-col gap-1", className)}>
      <label htmlFor={id} className="text-sm font-medium text-ink">
        {label}
      </label>
      <select
        id={id}
        {...rest}
        aria-invalid={message ? true : undefined}
        aria-describedby={message ? `${id}-error` : hint ? `${id}-hint` : undefined}
        className={cx(
          "min-h-10 rounded-lg border bg-white px-3 py-2 text-base text-ink",
          message ? "border-red-700" : "border-stone-300",
        )}
      >
        {children}
      </select>
      {hint && !message && (
        <p id={`${id}-hint`} className="text-xs text-muted">
          {hint}
        </p>
      )}
      {message && (
        <p id={`${id}-error`} className="text-sm text-red-800">
          {sentence(message)}
        </p>
      )}
    </div>
  );
}

type AreaProps = TextareaHTMLAttributes<HTMLTextAreaElement> & {
  label: string;
  field?: string;
  error?: unknown;
  hint?: ReactNode;
};

export function TextArea({ label, field, error, hint, className, ...rest }: AreaProps) {
  const id = useId();
  const message = fieldMessage(field, error);
  return (
    <div className={cx("flex flex-col gap-1", className)}>
      <label htmlFor={id} className="text-sm font-medium text-ink">
        {label}
      </label>
      <textarea
        id={id}
        rows={4}
        {...rest}
        aria-invalid={message ? true : undefined}
        aria-describedby={message ? `${id}-error` : hint ? `${id}-hint` : undefined}
        className={cx(
          "rounded-lg border bg-white px-3 py-2 text-base text-ink",
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
          {sentence(message)}
        </p>
      )}
    </div>
  );
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

/** The API answers a wrong password on a signed-in route with 401 ("email or password is
 * incorrect"), which would read as "your session has ended": it becomes a message for the
 * password field instead. Any other error passes through unchanged. */
export function asPasswordError(error: unknown, field: string, message = "That is not your current password."): unknown {
  if (error instanceof ApiError && error.status === 401 && /password/i.test(error.detail)) {
    return new ApiError(422, { title: "Invalid input", errors: [{ field, message }] });
  }
  return error;
}

/** The same error with each field's message written as a sentence (the API writes them in
 * lower case, for any client to phrase). */
export function tidy(error: unknown): unknown {
  if (!(error instanceof ApiError) || error.fields.length === 0) return error;
  const errors = error.fields.map((f) => ({ ...f, message: sentence(f.message) }));
  return new ApiError(error.status, { ...error.body, errors });
}

/** Runs an API call and turns what it threw into messages fit for the form. */
export async function forForm<T>(call: Promise<T>, passwordField?: string): Promise<T> {
  try {
    return await call;
  } catch (e) {
    throw tidy(passwordField ? asPasswordError(e, passwordField) : e);
  }
}

/** The error for the note under a form: nothing when every problem is already beside a field. */
export function formError(error: unknown, fields: string[]): unknown {
  if (error instanceof ApiError && error.fields.length > 0 && error.fields.every((f) => fields.some((n) => f.field === n || f.field.startsWith(`${n}.`)))) {
    return null;
  }
  return error;
}
