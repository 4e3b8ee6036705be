// After `next build`: every exported page gets a Content-Security-Policy meta tag that lets
// only this origin's scripts and that page's own inline scripts (by SHA-256) run, so wherever
// the files are hosted (the API on the embedded profile, Amplify in production) nothing
// injected into a page can run. The API also sends the same policy as a header.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const out = new URL("../out/", import.meta.url).pathname;
const INLINE = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g;

function pages(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return pages(path);
    return name.endsWith(".html") ? [path] : [];
  });
}

let count = 0;
for (const page of pages(out)) {
  const html = readFileSync(page);
  const text = html.toString("utf8");
  if (text.includes('http-equiv="Content-Security-Policy"')) continue;
  const hashes = new Set();
  for (const m of text.matchAll(INLINE)) {
    if (!m[1].trim()) continue;
    hashes.add(`'sha256-${createHash("sha256").update(Buffer.from(m[1], "utf8")).digest("base64")}'`);
  }
  const policy = [
    "default-src 'self'",
    `script-src 'self' ${[...hashes].sort().join(" ")}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'" + (process.env.NEXT_PUBLIC_API_ORIGIN ? ` ${process.env.NEXT_PUBLIC_API_ORIGIN}` : ""),
    "object-src 'none'",
    "form-action 'self'",
  ].join("; ");
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}"/>`;
  writeFileSync(page, text.replace(/<head>/, `<head>${meta}`));
  count += 1;
}
console.log(`csp-meta: ${count} pages carry their script policy`);
