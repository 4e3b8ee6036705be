// The built web client, measured: JavaScript a first visit downloads (gzipped, as the API
// serves it), and the time to interactive of Today and of the sign-in page on loopback, in
// Debian's Chromium against the real API on the embedded profile. Prints a table with the
// machine; run it through benchmarks/web/run.sh (it builds the client and starts the API).
//
//   node benchmarks/web/bench_client.mjs [rounds]
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem, loadavg } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { createRequire } from "node:module";

const root = new URL("../../", import.meta.url).pathname;
const web = join(root, "entrypoints/web");
const require = createRequire(join(web, "package.json"));
const { chromium } = require("playwright-core");
const base = process.env.BENCH_URL ?? "http://127.0.0.1:8140";
const rounds = Number(process.argv[2] ?? 7);

/** Scripts a page loads at once: its <script src> tags (what Next calls first-load JS). */
function firstLoad(page) {
  const html = readFileSync(join(web, "out", page), "utf8");
  // nomodule scripts (legacy polyfills) are not downloaded by a current browser.
  const tags = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"[^>]*>/g)].filter((m) => !/nomodule/i.test(m[0]));
  const srcs = [...new Set(tags.map((m) => m[1]))];
  let raw = 0;
  let gz = 0;
  for (const src of srcs) {
    const body = readFileSync(join(web, "out", src.replace(/^\//, "")));
    raw += body.length;
    gz += gzipSync(body, { level: 6 }).length; // what the API's gzip middleware sends
  }
  return { files: srcs.length, raw, gz };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

async function seed(request) {
  const email = `bench-${Date.now()}@example.com`;
  const password = "correct horse battery";
  const headers = { Origin: base };
  await request.post(`${base}/api/v1/auth/register`, { data: { email, password, display_name: "Bench" }, headers });
  const login = await request.post(`${base}/api/v1/auth/login`, { data: { email, password }, headers });
  const { csrf_token } = await login.json();
  const h = { "X-CSRF-Token": csrf_token };
  for (let i = 0; i < 8; i++) await request.post(`${base}/api/v1/habits`, { data: { name: `Habit ${i + 1}` }, headers: h });
  const deck = await (await request.post(`${base}/api/v1/study/decks`, { data: { name: "French" }, headers: h })).json();
  for (let i = 0; i < 20; i++) {
    await request.post(`${base}/api/v1/study/decks/${deck.id}/cards`, { data: { front: `mot ${i}`, back: `word ${i}` }, headers: h });
  }
  return { email, password };
}

/** Milliseconds from navigation start until `ready` holds in the page (polled every frame),
 * then a click on a control proves the page is hydrated and answers. */
async function timeToInteractive(page, path, ready, control) {
  await page.goto(`${base}${path}`, { waitUntil: "commit" });
  await page.waitForFunction(ready, null, { polling: "raf", timeout: 30_000 });
  const t = await page.evaluate(() => performance.now());
  if (control) await control(page);
  return t;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
const setup = await browser.newContext();
await seed(setup.request); // signs in: its cookies are the session every round reuses
const state = await setup.storageState();

const todayReady = () => {
  const h = document.querySelector("h1");
  return !!h && h.textContent.startsWith("Good to see you") && document.querySelectorAll("button[aria-pressed]").length >= 8;
};
const signinReady = () => !!document.querySelector("form button[type=submit]");
const results = { today_cold: [], today_warm: [], signin_cold: [] };
for (let i = 0; i < rounds; i++) {
  // Interleaved: each round measures every variant once, in a fresh context (cold cache) or a
  // context that loaded the page once (warm cache: the hashed assets come from the cache).
  const cold = await browser.newContext({ storageState: state });
  const p1 = await cold.newPage();
  results.today_cold.push(await timeToInteractive(p1, "/", todayReady, async (p) => {
    await p.getByRole("button", { name: /Habit 1/ }).click();
    await p.getByRole("button", { name: /Habit 1/, pressed: true }).waitFor();
    await p.getByRole("button", { name: /Habit 1/ }).click();
    await p.getByRole("button", { name: /Habit 1/, pressed: false }).waitFor();
  }));
  const p2 = await cold.newPage();
  results.today_warm.push(await timeToInteractive(p2, "/", todayReady));
  await cold.close();
  const anon = await browser.newContext();
  results.signin_cold.push(await timeToInteractive(await anon.newPage(), "/signin/", signinReady));
  await anon.close();
}
await browser.close();

const chromiumVersion = execSync(`${process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"} --version 2>/dev/null || true`).toString().trim();
console.log(`machine: ${cpus()[0]?.model} x ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
console.log(`node ${process.version}; ${chromiumVersion}; ${rounds} interleaved rounds, medians\n`);
console.log("| page | first-load JS (gzip) | files | raw | time to interactive cold | warm |");
console.log("| --- | --- | --- | --- | --- | --- |");
const today = firstLoad("index.html");
const signin = firstLoad("signin/index.html");
console.log(`| Today (/) | ${kb(today.gz)} | ${today.files} | ${kb(today.raw)} | ${median(results.today_cold).toFixed(0)} ms | ${median(results.today_warm).toFixed(0)} ms |`);
console.log(`| Sign in (/signin/) | ${kb(signin.gz)} | ${signin.files} | ${kb(signin.raw)} | ${median(results.signin_cold).toFixed(0)} ms | - |`);
console.log(`\ngoal: first-load JS < 150 KB, interactive < 1000 ms. all rounds (ms): ${JSON.stringify(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.map((x) => Math.round(x))])))}`);
