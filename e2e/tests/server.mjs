// Starts the release `trellis` binary on a free loopback port with a fresh SQLite database, and
// launches Debian's Chromium headless through playwright-core (never a downloaded browser).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const BIN = process.env.TRELLIS_BIN;
const SITE_ROOT = process.env.TRELLIS_SITE_ROOT;
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// `config`: YAML for `--config` (the demo catalog is added to it); `headers`: sent with the
// readiness polls (a proxy-mode server answers 401 without identity).
// `env`: extra environment (`TRELLIS__DEMO__UPSTREAM__LATENCY_MS` makes the demo's fake
// upstreams slow).
export async function startServer({ pollMs = 100, config = null, headers = {}, env = {}, readyOnly = false } = {}) {
  if (!BIN || !SITE_ROOT) throw new Error("set TRELLIS_BIN and TRELLIS_SITE_ROOT (scripts/test.sh does)");
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "trellis-e2e-"));
  const base = `http://127.0.0.1:${port}`;
  const args = ["serve"];
  if (config !== null) {
    const file = join(dir, "config.yaml");
    writeFileSync(file, `${config}\ndemo:\n  enabled: true\n  catalog: ${join(ROOT, "demo", "catalog", "all.yaml")}\n`);
    args.unshift("--config", file);
  }
  const child = spawn(BIN, args, {
    env: {
      ...process.env,
      TRELLIS_LISTEN: `127.0.0.1:${port}`,
      TRELLIS__DATABASE__URL: `sqlite:${join(dir, "trellis.db")}`,
      TRELLIS__SERVER__SITE_ROOT: SITE_ROOT,
      // The embedded default runs in demo mode; point it at this checkout's demo catalog.
      TRELLIS__DEMO__CATALOG: join(ROOT, "demo", "catalog", "all.yaml"),
      RUST_LOG: "warn",
      ...env,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`trellis exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/readyz`, { headers });
      if (res.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error("trellis did not become ready within 30 s");
    await new Promise((r) => setTimeout(r, pollMs));
  }
  const stop = async () => {
    child.kill("SIGTERM");
    await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
    rmSync(dir, { recursive: true, force: true });
  };
  // `readyOnly`: only until /readyz answers (the cold-start figure).
  if (readyOnly) return { base, stop, pid: child.pid };
  // The first catalog refresh runs right after start; wait for the demo catalog to be in.
  for (;;) {
    const res = await fetch(`${base}/api/catalog/entities/by-query?limit=0`, { headers });
    if (res.status === 200 && (await res.json()).totalItems > 0) break;
    if (Date.now() > deadline) throw new Error("the demo catalog was not loaded within 30 s");
    await new Promise((r) => setTimeout(r, pollMs));
  }
  // ... and for that first refresh run to have finished: a page loaded while it runs (the
  // admin page) polls for its progress, so what it fetches would depend on timing.
  for (;;) {
    const res = await fetch(`${base}/metrics`);
    if (res.status === 200 && (await res.text()).includes('trellis_job_last_run_success{job="catalog-refresh"}')) break;
    if (Date.now() > deadline) throw new Error("the first catalog refresh did not finish within 30 s");
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return { base, stop, pid: child.pid };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

// A browser context that keeps what its pages reported (console errors, uncaught exceptions), so a
// page that never hydrates says why (a blocked script, a panic) instead of only timing out.
export async function newContext(browser, options = {}) {
  const context = await browser.newContext(options);
  const problems = [];
  context.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
  context.on("weberror", (e) => problems.push(`uncaught: ${e.error().message}`));
  context.problems = problems;
  return context;
}

// Waits until the app in `page` has hydrated; a timeout names what the page reported.
export async function hydrated(page, timeout = 20_000) {
  try {
    await page.waitForSelector("body[data-hydrated=true]", { timeout });
  } catch (e) {
    const problems = page.context().problems ?? [];
    throw new Error(`${e.message}\n${problems.join("\n") || "(the page reported no errors)"}`);
  }
}

// Opens `path` in a new page and records every WASM file the page fetches.
export async function openRecording(context, url) {
  const page = await context.newPage();
  const wasm = new Set();
  page.on("request", (req) => {
    const u = new URL(req.url());
    if (u.pathname.endsWith(".wasm")) wasm.add(u.pathname);
  });
  await page.goto(url);
  await hydrated(page);
  await page.waitForLoadState("networkidle");
  return { page, wasm };
}
