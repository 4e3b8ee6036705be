/** Every error the API answers is an RFC 9457 problem; this turns one into sentences a person
 * reads next to what caused it. */

export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly fields: FieldProblem[];
  readonly requestId: string | null;
  readonly retryAfter: number | null;
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>, headers?: Headers) {
    const detail = typeof body.detail === "string" ? body.detail : "";
    super(detail || String(body.title ?? `HTTP ${status}`));
    this.name = "ApiError";
    this.status = status;
    this.title = typeof body.title === "string" ? body.title : "";
    this.detail = detail;
    this.body = body;
    this.fields = Array.isArray(body.errors)
      ? (body.errors as FieldProblem[]).filter((e) => e && typeof e.field === "string")
      : [];
    this.requestId = headers?.get("x-request-id") ?? null;
    const retry = headers?.get("retry-after");
    this.retryAfter = retry && /^\d+$/.test(retry) ? Number(retry) : null;
  }

  /** The message for one field, when the API named it. */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((f) => f.field === field || f.field.startsWith(`${field}.`))?.message;
  }
}

export class NetworkError extends Error {
  constructor() {
    super("ReFocused could not be reached. Check your connection and try again.");
    this.name = "NetworkError";
  }
}

function capitalise(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

function sentence(s: string): string {
  const t = capitalise(s.trim());
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function waitFor(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/** One human sentence for any error a query or mutation threw. */
export function humanError(error: unknown): string {
  if (error instanceof NetworkError) return error.message;
  if (!(error instanceof ApiError)) {
    // Errors a screen raises itself carry their own sentence.
    if (error instanceof Error && error.name === "Error" && error.message) return error.message;
    return "Something went wrong in this page. Reload it and try again.";
  }
  switch (error.status) {
    case 401:
      return "Your session has ended. Sign in again to continue.";
    case 403:
      return error.detail ? sentence(error.detail) : "You are not allowed to do that.";
    case 404:
      return "That no longer exists. It may have been deleted.";
    case 413:
      return "That is too large to save.";
    case 429:
      return error.retryAfter != null
        ? `Too many attempts. Try again in ${waitFor(error.retryAfter)}.`
        : "Too many attempts. Wait a moment and try again.";
    case 500:
      return `Something went wrong on our side.${error.requestId ? ` Reference: ${error.requestId}.` : ""}`;
    case 502:
    case 503:
    case 504:
      return error.detail ? sentence(error.detail) : "This service is not available right now. Try again soon.";
  }
  if (error.fields.length > 0 && !error.detail) return sentence(error.fields[0]!.message);
  return sentence(error.detail || error.title || "That did not work");
}
