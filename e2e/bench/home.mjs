// The home page's figures (scripts/bench.sh home): with the demo's fakes (GitHub, Jira,
// PagerDuty, the status pages) answering every request in 2 s, for 50 distinct demo users
// (guest cookies), every widget warmed first:
//   - widget data (GET /api/home/pull-requests) p50/p99 after warm-up, and how many upstream
//     calls a 10 s run made (the cache must make it 0 while the data is fresh);
//   - SSR of / for the 50 people against a bare axum handler in the same run (wrk -t2 -c32):
//     their kept pages (home.pageCacheSecs), the same gzip-compressed, and rendered every load
//     (a hard reload's `Cache-Control: no-cache`);
//   - /healthz, /theme.js and a Leptos-rendered 404 page, for comparison.
// Needs TRELLIS_BIN, TRELLIS_SITE_ROOT, HELLO_BIN, wrk. With BENCH_PROFILE=<file>, `perf record`
// samples the server during the SSR run (call graphs from DWARF) into that file, for a flame
// graph (docs/PERFORMANCE.md says how).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../tests/server.mjs";

const PEOPLE = 50;
const LATENCY_MS = 2000;

function wrk(url, script) {
  const args = ["-t2", "-c32", "-d10s", "--latency", ...(script ? ["-s", script] : []), url];
  const out = execFileSync("wrk", args, { encoding: "utf8" });
  const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)[1]);
  const p50 = out.match(/50%\s+([\d.]+\w+)/)?.[1];
  const p99 = out.match(/99%\s+([\d.]+\w+)/)?.[1];
  const non2xx = out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? "0";
  return { rps, p50, p99, non2xx };
}

async function upstreamCalls(base) {
  const text = await (await fetch(`${base}/metrics`)).text();
  return [...text.matchAll(/^trellis_integration_requests_total\{[^}]*\} (\d+)/gm)].reduce((s, m) => s + Number(m[1]), 0);
}

const server = await startServer({ env: { TRELLIS__DEMO__UPSTREAM__LATENCY_MS: String(LATENCY_MS) } });
const hello = spawn(process.env.HELLO_BIN, ["127.0.0.1:3999"], { stdio: "ignore" });
try {
  const users = await (await fetch(`${server.base}/api/catalog/entities/by-query?filter=kind=user&limit=${PEOPLE}&fields=metadata.name`)).json();
  const cookies = [];
  for (const u of users.items) {
    const res = await fetch(`${server.base}/auth/guest`, {
      method: "POST", redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: server.base },
      body: `user=${encodeURIComponent(`user:default/${u.metadata.name}`)}`,
    });
    cookies.push(res.headers.get("set-cookie").split(";")[0]);
  }
  // Warm-up: each person's first load of each widget waits for the slow upstream; ask until
  // every widget of every person has data.
  const t0 = performance.now();
  const widgets = (await (await fetch(`${server.base}/api/home/widgets`, { headers: { cookie: cookies[0] } })).json()).map((w) => w.id).filter((id) => id !== "attention");
  let pending = cookies.flatMap((c) => widgets.map((id) => [c, id]));
  while (pending.length > 0) {
    const answers = await Promise.all(pending.map(async ([c, id]) => [c, id, await (await fetch(`${server.base}/api/home/widgets/${id}`, { headers: { cookie: c } })).json()]));
    // A widget is warm when nothing in its answer (find any commit nests its parts) is slow.
    pending = answers.filter(([, , w]) => JSON.stringify(w).includes('"problem":"slow"')).map(([c, id]) => [c, id]);
    if (pending.length) await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`warm-up of ${cookies.length} people with a ${LATENCY_MS} ms upstream: ${(performance.now() - t0).toFixed(0)} ms`);
  const dir = mkdtempSync(join(tmpdir(), "trellis-bench-"));
  // One person after the other; `extra` adds headers (a hard reload renders anew, gzip as
  // browsers ask).
  const people = (name, extra = "") => {
    const file = join(dir, name);
    writeFileSync(file, `cookies = {${cookies.map((c) => JSON.stringify(c)).join(",")}}\nn = 0\nrequest = function()\n  n = n + 1\n  return wrk.format(nil, nil, { ["Cookie"] = cookies[(n % #cookies) + 1]${extra} })\nend\n`);
    return file;
  };
  const script = people("people.lua");
  const rendering = people("people-render.lua", `, ["Cache-Control"] = "no-cache"`);
  const gzip = people("people-gzip.lua", `, ["Accept-Encoding"] = "gzip"`);
  const before = await upstreamCalls(server.base);
  const widget = wrk(`${server.base}/api/home/pull-requests`, script);
  const calls = (await upstreamCalls(server.base)) - before;
  console.log(`widget data, ${PEOPLE} people, warm: ${widget.rps.toFixed(0)} req/s, p50 ${widget.p50}, p99 ${widget.p99}; upstream calls during the run: ${calls}`);
  const base = wrk("http://127.0.0.1:3999/");
  const perf = process.env.BENCH_PROFILE
    ? spawn("perf", ["record", "-F", "499", "--call-graph", "dwarf,16384", "-o", process.env.BENCH_PROFILE, "-p", String(server.pid), "--", "sleep", "8"], { stdio: "inherit" })
    : null;
  const ssr = wrk(`${server.base}/`, script);
  if (perf) await new Promise((r) => (perf.exitCode !== null ? r() : perf.once("exit", r)));
  console.log(`bare axum hello: ${base.rps.toFixed(0)} req/s (p99 ${base.p99})`);
  console.log(`SSR of / (${PEOPLE} people, warm caches; their kept pages, home.pageCacheSecs): ${ssr.rps.toFixed(0)} req/s (p50 ${ssr.p50}, p99 ${ssr.p99}, non-2xx ${ssr.non2xx}); ratio ${(ssr.rps / base.rps).toFixed(3)}`);
  const zipped = wrk(`${server.base}/`, gzip);
  console.log(`  the same, gzip (as browsers ask): ${zipped.rps.toFixed(0)} req/s (p50 ${zipped.p50}, p99 ${zipped.p99}); ratio ${(zipped.rps / base.rps).toFixed(3)}`);
  const rendered = wrk(`${server.base}/`, rendering);
  console.log(`  rendered every load (hard reload, Cache-Control: no-cache): ${rendered.rps.toFixed(0)} req/s (p50 ${rendered.p50}, p99 ${rendered.p99}, non-2xx ${rendered.non2xx}); ratio ${(rendered.rps / base.rps).toFixed(3)}`);
  for (const path of ["/healthz", "/theme.js", "/no/such/page"]) {
    const r = wrk(`${server.base}${path}`, path === "/no/such/page" ? script : null);
    console.log(`${path}: ${r.rps.toFixed(0)} req/s (p99 ${r.p99})`);
  }
} finally {
  hello.kill();
  await server.stop();
}
