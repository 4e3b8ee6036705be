/** Quill deltas as the API stores them (`{"ops": [...]}`, inserts only), read without Quill:
 * lines with their block format, inline segments, plain text, and safe link addresses. */

export type Attributes = Record<string, unknown>;
export interface Op {
  insert: string | Record<string, unknown>;
  attributes?: Attributes;
}
export interface Delta {
  ops: Op[];
}

export interface Segment {
  text?: string;
  embed?: Record<string, unknown>;
  attrs: Attributes;
}
export interface Line {
  segments: Segment[];
  attrs: Attributes;
}

/** A delta's ops, or none when the value is not a delta. */
export function opsOf(content: unknown): Op[] {
  if (!content || typeof content !== "object") return [];
  const ops = (content as { ops?: unknown }).ops;
  if (!Array.isArray(ops)) return [];
  return ops.filter(
    (op): op is Op =>
      !!op && typeof op === "object" && (typeof op.insert === "string" || (!!op.insert && typeof op.insert === "object")),
  );
}

/** The document split into lines: a newline's attributes are its line's block format. */
export function linesOf(content: unknown): Line[] {
  const lines: Line[] = [];
  let current: Segment[] = [];
  for (const op of opsOf(content)) {
    const attrs = op.attributes && typeof op.attributes === "object" ? op.attributes : {};
    if (typeof op.insert !== "string") {
      current.push({ embed: op.insert, attrs });
      continue;
    }
    const parts = op.insert.split("\n");
    parts.forEach((part, i) => {
      if (part) current.push({ text: part, attrs });
      if (i < parts.length - 1) {
        lines.push({ segments: current, attrs });
        current = [];
      }
    });
  }
  if (current.length > 0) lines.push({ segments: current, attrs: {} });
  return lines;
}

export function plainText(content: unknown): string {
  return linesOf(content)
    .map((line) => line.segments.map((s) => s.text ?? "").join(""))
    .join("\n")
    .trim();
}

const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

/** The address of a link when it is http:, https: or mailto:; null for anything else
 * (javascript:, data:, relative paths), which is then shown as plain text. */
export function safeHref(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
}

/** A one-line delta of plain text, for entries written without the editor. */
export function textDelta(text: string): Delta {
  return { ops: [{ insert: text.endsWith("\n") ? text : `${text}\n` }] };
}
