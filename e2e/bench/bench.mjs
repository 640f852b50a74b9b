// Measures what scripts/bench.sh reports. Needs TRELLIS_BIN, TRELLIS_SITE_ROOT, HELLO_BIN, wrk.
import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { launchBrowser, openRecording, startServer } from "../tests/server.mjs";

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length;
const pkgDir = join(process.env.TRELLIS_SITE_ROOT, "pkg");

async function firstLoad(server) {
  const browser = await launchBrowser();
  const views = {};
  for (const path of ["/", "/catalog", "/compute"]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const files = new Set();
    page.on("request", (r) => { const u = new URL(r.url()); if (u.pathname.startsWith("/pkg/")) files.add(u.pathname); });
    await page.goto(server.base + path);
    await page.waitForSelector("body[data-hydrated=true]");
    await page.waitForLoadState("networkidle");
    views[path] = files;
    await context.close();
  }
  await browser.close();
  const sizeOf = (p) => gz(join(pkgDir, p.replace(/^\/pkg\//, "")));
  const total = [...views["/"]].reduce((sum, p) => sum + sizeOf(p), 0);
  console.log(`first load of / (JS + WASM + CSS, gzip -9): ${kb(total)}  [budget 250 KB]`);
  for (const p of [...views["/"]].sort()) console.log(`  ${p}  ${kb(sizeOf(p))}`);
  for (const path of ["/catalog", "/compute"]) {
    const extra = [...views[path]].filter((p) => !views["/"].has(p));
    console.log(`chunks loaded for ${path} beyond /: ${extra.map((p) => `${p} ${kb(sizeOf(p))}`).join(", ") || "none"}`);
  }
  console.log("all route chunks (gzip):");
  for (const f of readdirSync(pkgDir).filter((f) => f.endsWith(".wasm")).sort()) {
    console.log(`  ${f}  ${kb(gz(join(pkgDir, f)))}`);
  }
}

function wrk(url) {
  const out = execFileSync("wrk", ["-t2", "-c32", "-d10s", "--latency", url], { encoding: "utf8" });
  const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)[1]);
  const p99 = out.match(/99%\s+([\d.]+\w+)/)?.[1];
  return { rps, p99 };
}

async function throughput(server) {
  const hello = spawn(process.env.HELLO_BIN, ["127.0.0.1:3999"], { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 500));
  try {
    const base = wrk("http://127.0.0.1:3999/");
    const ssr = wrk(server.base + "/");
    console.log(`bare axum hello: ${base.rps.toFixed(0)} req/s (p99 ${base.p99})`);
    console.log(`SSR of /:        ${ssr.rps.toFixed(0)} req/s (p99 ${ssr.p99})`);
    console.log(`SSR / hello ratio: ${(ssr.rps / base.rps).toFixed(3)}`);
  } finally {
    hello.kill();
  }
}

async function coldStart() {
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const server = await startServer({ pollMs: 2, readyOnly: true });
    times.push(performance.now() - t0);
    await server.stop();
  }
  times.sort((a, b) => a - b);
  console.log(`cold start to /readyz 200 (fresh SQLite, migrations included): median ${times[2].toFixed(0)} ms, min ${times[0].toFixed(0)} ms`);
}

const server = await startServer();
try {
  await firstLoad(server);
  await throughput(server);
} finally {
  await server.stop();
}
await coldStart();
