/** The reading view of an entry: its delta rendered as React elements. Text goes through
 * React (never innerHTML), and a link is a link only for http:, https: and mailto:. */
import type { ReactNode } from "react";
import { linesOf, safeHref, type Attributes, type Line, type Segment } from "./delta";

function inline(seg: Segment, key: number): ReactNode {
  if (seg.embed) {
    const kind = Object.keys(seg.embed)[0] ?? "embed";
    return (
      <span key={key} className="text-muted">
        [{kind}]
      </span>
    );
  }
  const a: Attributes = seg.attrs;
  let node: ReactNode = seg.text ?? "";
  if (a.code) node = <code className="rounded bg-stone-100 px-1 font-mono text-sm">{node}</code>;
  if (a.bold) node = <strong>{node}</strong>;
  if (a.italic) node = <em>{node}</em>;
  if (a.underline) node = <u>{node}</u>;
  if (a.strike) node = <s>{node}</s>;
  if (a.script === "sub") node = <sub>{node}</sub>;
  if (a.script === "super") node = <sup>{node}</sup>;
  if (a.link !== undefined) {
    const href = safeHref(a.link);
    if (href) {
      node = (
        <a href={href} rel="noopener noreferrer nofollow" className="text-brand-800 underline">
          {node}
        </a>
      );
    }
  }
  return <span key={key}>{node}</span>;
}

function content(line: Line): ReactNode {
  return line.segments.length ? line.segments.map(inline) : <br />;
}

function indent(line: Line): number {
  const n = Number(line.attrs.indent ?? 0);
  return Number.isFinite(n) ? Math.min(Math.max(n, 0), 8) : 0;
}

const HEADINGS = { 1: "h3", 2: "h4", 3: "h5" } as const;

export function DeltaView({ content: delta }: { content: unknown }) {
  const lines = linesOf(delta);
  const blocks: ReactNode[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const list = line.attrs.list;
    if (typeof list === "string") {
      const group: Line[] = [];
      while (i < lines.length && lines[i]!.attrs.list === list) group.push(lines[i++]!);
      const ordered = list === "ordered";
      const check = list === "checked" || list === "unchecked";
      const items = group.map((l, j) => (
        <li key={j} style={{ marginLeft: `${indent(l) * 1.5}rem` }}>
          {check && <span aria-hidden>{list === "checked" ? "☑ " : "☐ "}</span>}
          {check && <span className="sr-only">{list === "checked" ? "Done: " : "To do: "}</span>}
          {content(l)}
        </li>
      ));
      blocks.push(
        ordered ? (
          <ol key={blocks.length} className="list-decimal pl-6">{items}</ol>
        ) : (
          <ul key={blocks.length} className={check ? "list-none pl-1" : "list-disc pl-6"}>{items}</ul>
        ),
      );
      continue;
    }
    if (line.attrs["code-block"]) {
      const group: Line[] = [];
      while (i < lines.length && lines[i]!.attrs["code-block"]) group.push(lines[i++]!);
      blocks.push(
        <pre key={blocks.length} className="overflow-x-auto rounded-lg bg-stone-100 p-3 font-mono text-sm">
          {group.map((l) => l.segments.map((s) => s.text ?? "").join("")).join("\n")}
        </pre>,
      );
      continue;
    }
    const level = Number(line.attrs.header);
    const Heading = HEADINGS[level as 1 | 2 | 3];
    const style = { marginLeft: `${indent(line) * 1.5}rem` };
    if (Heading) {
      const size = { h3: "text-xl", h4: "text-lg", h5: "text-base" }[Heading];
      blocks.push(
        <Heading key={blocks.length} className={`${size} font-semibold text-ink`} style={style}>
          {content(line)}
        </Heading>,
      );
    } else if (line.attrs.blockquote) {
      blocks.push(
        <blockquote key={blocks.length} className="border-l-4 border-stone-300 pl-3 text-muted" style={style}>
          {content(line)}
        </blockquote>,
      );
    } else {
      blocks.push(
        <p key={blocks.length} style={style}>
          {content(line)}
        </p>,
      );
    }
    i++;
  }
  return <div className="flex flex-col gap-2 leading-relaxed text-ink">{blocks}</div>;
}
