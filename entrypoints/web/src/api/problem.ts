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

  /** The message for one field, when the API named it, in words a person reads. */
  fieldMessage(field: string): string | undefined {
    const found = this.fields.find((f) => f.field === field || f.field.startsWith(`${field}.`) || f.field.startsWith(`${field}[`));
    return found ? humanField(found.message) : undefined;
  }
}

export class NetworkError extends Error {
  constructor() {
    super("ReFocused could not be reached. Check your connection and try again.");
    this.name = "NetworkError";
  }
}

/** The decoder's terse messages ("Expected `str` of length >= 8") as sentences. */
export function humanField(message: string): string {
  const rules: [RegExp, (m: RegExpMatchArray) => string][] = [
    [/Expected `str` of length >= (\d+)/, (m) => `Use at least ${m[1]} characters.`],
    [/Expected `str` of length <= (\d+)/, (m) => `Use at most ${m[1]} characters.`],
    [/Expected `array` of length <= (\d+)/, (m) => `Choose at most ${m[1]}.`],
    [/Expected `array` of length >= (\d+)/, (m) => `Choose at least ${m[1]}.`],
    [/Expected `(?:int|float|number)` >= (-?[\d.]+)/, (m) => `Enter ${m[1]} or more.`],
    [/Expected `(?:int|float|number)` <= (-?[\d.]+)/, (m) => `Enter ${m[1]} or less.`],
    [/Expected `(?:int|float|number)` > (-?[\d.]+)/, (m) => `Enter more than ${m[1]}.`],
    [/missing required field/i, () => "This is required."],
    [/matching regex|Invalid (?:date|enum)|Invalid value/i, () => "This is not in the expected form."],
    [/Expected `(\w+)`, got `(\w+)`/, () => "This value is of the wrong kind."],
  ];
  for (const [pattern, say] of rules) {
    const m = message.match(pattern);
    if (m) return say(m);
  }
  return sentence(message);
}

function fieldWords(field: string): string {
  const last = field.split(/[.[\]]/).filter((p) => p && !/^\d+$/.test(p)).at(-1) ?? field;
  return capitalise(last.replace(/_/g, " "));
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
  if (error.fields.length > 0) {
    const first = error.fields[0]!;
    return `${fieldWords(first.field)}: ${humanField(first.message)}`;
  }
  return sentence(error.detail || error.title || "That did not work");
}
