// Catalog at scale: generates a catalog of N entities (default 100,000) as YAML files, then for
// SQLite and PostgreSQL starts the release server on it and measures ingest time, server RSS,
// and latencies of by-query (kind + owner, page of 20), next page, full text, facets and a no-op
// refresh, over HTTP on loopback, sequentially. Needs TRELLIS_BIN, TRELLIS_SITE_ROOT; PostgreSQL
// at TRELLIS_TEST_POSTGRES_URL (scripts/test-services.sh). Usage: node catalog.mjs [N]
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const N = Number(process.argv[2] || 100_000);
const ADMIN_URL = process.env.TRELLIS_TEST_POSTGRES_URL || "postgres://trellis:trellis@127.0.0.1:5432/postgres";
const TEAMS = Math.max(10, Math.round(N / 500));

// Deterministic pseudo-random numbers, so every run measures the same catalog: mulberry32, a
// 32-bit generator whose every output bit varies. (Before the ninth session this took `seed % n`
// of a power-of-two LCG, whose low bits repeat with short periods: 93 % of components got the
// words `search-search` and only 51 of 200 teams owned anything.)
let seed = 42;
const rand = (n) => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
};
const pick = (xs) => xs[rand(xs.length)];
const WORDS = ["search", "feed", "ads", "pay", "auth", "media", "graph", "rank", "index", "store", "cache", "edge", "notify", "ml", "data", "sync"];
const SHORT = ["m", "co", "ml", "us", "q", "7", "e", "sv", "x", "-d"];
const TAGS = ["java", "go", "rust", "python", "kafka", "grpc", "react", "postgres", "redis", "spark"];

function generate(dir) {
  const docs = [];
  const team = (i) => `team-${String(i).padStart(4, "0")}`;
  // Ownership is skewed, as in real organisations: half of the APIs, resources and components
  // belong to the first tenth of the teams (~1,700 components each at 100k), the other half
  // spreads over all teams (~160 each). The kind+owner series asks every team in turn.
  const owner = () => team(rand(2) === 0 ? rand(Math.max(1, Math.round(TEAMS / 10))) : rand(TEAMS));
  for (let t = 0; t < TEAMS; t++) {
    docs.push(`apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${team(t)}\nspec:\n  type: team\n  children: []\n`);
  }
  const users = Math.round(N * 0.02);
  for (let u = 0; u < users; u++) {
    docs.push(`apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: user-${u}\nspec:\n  profile:\n    displayName: User ${u}\n    email: user-${u}@example.com\n  memberOf: [${team(u % TEAMS)}]\n`);
  }
  const systems = Math.round(N * 0.005);
  for (let s = 0; s < systems; s++) {
    docs.push(`apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: system-${s}\nspec:\n  owner: ${team(s % TEAMS)}\n`);
  }
  const apis = Math.round(N * 0.15);
  for (let a = 0; a < apis; a++) {
    docs.push(`apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: api-${a}\n  description: The ${pick(WORDS)} ${pick(WORDS)} API\nspec:\n  type: openapi\n  lifecycle: production\n  owner: ${owner()}\n  system: system-${rand(systems)}\n  definition: "openapi: 3.0.0"\n`);
  }
  const resources = Math.round(N * 0.2);
  for (let r = 0; r < resources; r++) {
    docs.push(`apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: db-${r}\nspec:\n  type: database\n  owner: ${owner()}\n  system: system-${rand(systems)}\n`);
  }
  const components = N - docs.length;
  for (let c = 0; c < components; c++) {
    const name = `${pick(WORDS)}-${pick(WORDS)}-${c}`;
    const deps = c > 0 ? `\n  dependsOn: [component:comp-${rand(c)}, resource:db-${rand(resources)}]` : "";
    docs.push(`apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: comp-${c}\n  title: ${name}\n  description: Service ${name} of the ${pick(WORDS)} platform\n  tags: [${pick(TAGS)}, ${pick(TAGS)}]\n  annotations:\n    github.com/project-slug: example/${name}\nspec:\n  type: ${pick(["service", "service", "website", "library"])}\n  lifecycle: ${pick(["production", "production", "experimental", "deprecated"])}\n  owner: ${owner()}\n  system: system-${rand(systems)}${deps}\n  providesApis: [api-${rand(apis)}]\n`);
  }
  for (let f = 0; f * 100 < docs.length; f++) {
    writeFileSync(join(dir, `part-${f}.yaml`), docs.slice(f * 100, f * 100 + 100).join("---\n"));
  }
  return docs.length;
}

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `p50 ${q(0.5).toFixed(2)} ms  p99 ${q(0.99).toFixed(2)} ms  max ${s[s.length - 1].toFixed(2)} ms`;
}

// The same requests through wrk (one connection, one after another, for 5 s, cycling through
// `urls`): a native client whose own overhead and pauses stay out of the figures, and
// thousands of samples, so its p99 is a percentile (the Node series' p99 over 100 samples is
// their maximum, and includes fetch, JSON parsing and the collector on the same two cores).
function wrkSeries(dir, urls) {
  const paths = join(dir, "wrk-paths.txt");
  writeFileSync(paths, urls.map((u) => new URL(u).pathname + new URL(u).search).join("\n") + "\n");
  const script = join(dir, "wrk-paths.lua");
  writeFileSync(script, [
    "local paths = {}",
    "for line in io.lines(os.getenv('WRK_PATHS')) do paths[#paths + 1] = line end",
    "local i = 0",
    "request = function() i = i % #paths + 1; return wrk.format('GET', paths[i]) end",
  ].join("\n"));
  const out = execFileSync("wrk", ["-t1", "-c1", "-d5s", "--latency", "-s", script, new URL(urls[0]).origin], { encoding: "utf8", env: { ...process.env, WRK_PATHS: paths } });
  if (/Non-2xx/.test(out)) throw new Error(`wrk got errors:\n${out}`);
  const ms = (p) => {
    const [, n, unit] = out.match(new RegExp(`${p}%\\s+([\\d.]+)(us|ms|s)`));
    return Number(n) * { us: 0.001, ms: 1, s: 1000 }[unit];
  };
  const requests = out.match(/(\d+) requests in/)[1];
  return `p50 ${ms(50).toFixed(2)} ms  p99 ${ms(99).toFixed(2)} ms  (${requests} requests)`;
}

async function timed(url, init) {
  const t = performance.now();
  const res = await fetch(url, init);
  const body = await res.json();
  const ms = performance.now() - t;
  if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
  return { ms, body };
}

// A refresh of every location runs in the background (202 {runId}): wait for its run to end.
async function refreshAll(base) {
  const t = performance.now();
  const started = await timed(`${base}/api/catalog/refresh`, { method: "POST" });
  for (;;) {
    const run = (await timed(`${base}/api/jobs/runs/${started.body.runId}`)).body;
    if (run.state !== "running") {
      if (run.state !== "success") throw new Error(`refresh run ${run.id}: ${run.state} ${JSON.stringify(run.result)}`);
      return { ms: performance.now() - t, body: run.result };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function measure(label, dbUrl, catalogDir, port) {
  const dir = mkdtempSync(join(tmpdir(), "trellis-bench-"));
  const config = join(dir, "config.yaml");
  writeFileSync(config, `server:\n  listen: 127.0.0.1:${port}\n  siteRoot: ${process.env.TRELLIS_SITE_ROOT}\ndatabase:\n  url: ${dbUrl}\nauth:\n  mode: guest\npermission:\n  admins: [user:default/demo.user]\ncatalog:\n  refreshIntervalSecs: 86400\n  locations:\n    - type: file\n      target: ${catalogDir}\n`);
  const start = performance.now();
  const child = spawn(process.env.TRELLIS_BIN, ["--config", config, "serve"], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, RUST_LOG: "warn" } });
  // The server goes down with the run, also when a request fails.
  try {
    const base = `http://127.0.0.1:${port}`;
    let total = 0;
    for (;;) {
      try {
        total = (await (await fetch(`${base}/api/catalog/entities/by-query?limit=0`)).json()).totalItems ?? 0;
      } catch { /* starting */ }
      if (total >= N) break;
      if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const ingest = (performance.now() - start) / 1000;
    // Refreshes run one at a time: this ends once the first one (whose rows are now visible)
    // has finished everything after its commit, so queries below measure a settled server.
    await refreshAll(base);
    if (dbUrl.startsWith("postgres")) {
      // A bulk load's VACUUM (ANALYZE) runs in the background after its commit: wait for it too.
      const sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE 'VACUUM%'";
      while (execFileSync("psql", [dbUrl, "-tAc", sql]).toString().trim() !== "0") await new Promise((r) => setTimeout(r, 200));
    }
    const rss = () => Number(readFileSync(`/proc/${child.pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1]) / 1024;
    console.log(`\n[${label}] ${total} entities ingested (start to visible) in ${ingest.toFixed(1)} s; RSS after ingest ${rss().toFixed(0)} MB`);
    const runs = 100;
    const series = async (name, url, lean = false) => {
      // A few warm-up requests first: the figures are for a running portal, not a cold cache.
      for (let i = 0; i < 5; i++) await timed(typeof url === "function" ? url(runs + i) : url);
      const samples = [];
      for (let i = 0; i < runs; i++) samples.push((await timed(typeof url === "function" ? url(i) : url)).ms);
      console.log(`[${label}] ${name.padEnd(44)} ${stats(samples)}`);
      if (lean) {
        const urls = Array.from({ length: runs }, (_, i) => (typeof url === "function" ? url(i) : url));
        console.log(`[${label}] ${(name + " (wrk)").padEnd(44)} ${wrkSeries(dir, urls)}`);
      }
    };
    const team = (i) => `group:default/team-${String(i % TEAMS).padStart(4, "0")}`;
    await series("by-query kind+owner, limit 20", (i) => `${base}/api/catalog/entities/by-query?filter=kind=component,relations.ownedBy=${team(i)}&limit=20`, true);
    await series("by-query kind+spec.owner, limit 20", (i) => `${base}/api/catalog/entities/by-query?filter=kind=component,spec.owner=${team(i).split("/")[1]}&limit=20`, true);
    const first = await timed(`${base}/api/catalog/entities/by-query?filter=kind=component&limit=20`);
    const cursor = first.body.pageInfo.nextCursor;
    await series("by-query next page (cursor), limit 20", `${base}/api/catalog/entities/by-query?cursor=${cursor}&limit=20`);
    await series("by-query ordered by metadata.name, limit 20", `${base}/api/catalog/entities/by-query?filter=kind=component&orderField=metadata.name,asc&limit=20`);
    await series("full text (name/title), limit 20", (i) => `${base}/api/catalog/entities/by-query?fullTextFilterTerm=${pick(WORDS)}-${pick(WORDS)}-${i}&limit=20`, true);
    // One word, as typed into the search box: each matches about a tenth of the catalog.
    await series("full text (one word), limit 20", (i) => `${base}/api/catalog/entities/by-query?fullTextFilterTerm=${WORDS[i % WORDS.length]}&limit=20`, true);
    // One or two characters, as a search box sends them while its user types: no trigram, so
    // found by character pairs (crates/catalog/src/store/text.rs). From 63 % of the catalog
    // (`m`) to none (`q`); `us` matches only users, the last kind in ref order.
    await series("full text (1-2 characters), limit 20", (i) => `${base}/api/catalog/entities/by-query?fullTextFilterTerm=${SHORT[i % SHORT.length]}&limit=20`, true);
    await series("facets: kind over all entities", `${base}/api/catalog/entity-facets?facet=kind`, true);
    await series("facets: spec.type, kind=component", `${base}/api/catalog/entity-facets?facet=spec.type&filter=kind=component`);
    await series("facets: the list page's 6 facets", `${base}/api/catalog/entity-facets?facet=kind&facet=spec.type&facet=relations.ownedBy&facet=spec.lifecycle&facet=metadata.tags&facet=metadata.namespace`);
    const noop = await refreshAll(base);
    console.log(`[${label}] no-op refresh of ${total} entities: ${(noop.ms / 1000).toFixed(1)} s (${JSON.stringify(noop.body)})`);
    console.log(`[${label}] RSS after queries ${rss().toFixed(0)} MB`);
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
  }
  rmSync(dir, { recursive: true, force: true });
}

if (process.env.GENERATE_ONLY) {
  // Only write the catalog (for profiling): GENERATE_ONLY=<dir> node catalog.mjs [N]
  console.log(`generated ${generate(process.env.GENERATE_ONLY)} entities in ${process.env.GENERATE_ONLY}`);
  process.exit(0);
}
const catalogDir = mkdtempSync(join(tmpdir(), "trellis-catalog-"));
const t = performance.now();
const count = generate(catalogDir);
console.log(`generated ${count} entities (${TEAMS} teams) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
try {
  const sqliteDir = mkdtempSync(join(tmpdir(), "trellis-bench-db-"));
  await measure("sqlite", `sqlite:${join(sqliteDir, "trellis.db")}`, catalogDir, 3901);
  rmSync(sqliteDir, { recursive: true, force: true });
  execFileSync("psql", [ADMIN_URL, "-qc", "DROP DATABASE IF EXISTS trellis_bench"]);
  execFileSync("psql", [ADMIN_URL, "-qc", "CREATE DATABASE trellis_bench"]);
  const pgUrl = ADMIN_URL.replace(/\/[^/]*$/, "/trellis_bench");
  await measure("postgres", pgUrl, catalogDir, 3902);
  execFileSync("psql", [ADMIN_URL, "-qc", "DROP DATABASE IF EXISTS trellis_bench"]);
} finally {
  rmSync(catalogDir, { recursive: true, force: true });
}
