// The size budget of the release site: what the first load of `/` transfers (main WASM module,
// its JS glue, the CSS, the split loader and the home view's chunks, each gzipped at level 9)
// and each lazy view's own chunks. File sizes are deterministic, unlike timings: the test fails
// when a budget (`e2e/size-budget.json`) is passed, and prints every figure either way.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const SITE_ROOT = process.env.TRELLIS_SITE_ROOT;
const here = dirname(fileURLToPath(import.meta.url));
const budget = JSON.parse(readFileSync(join(here, "..", "size-budget.json"), "utf8"));

const kb = (bytes) => Math.round((bytes / 1024) * 10) / 10;

test("first load of / and each view's chunks stay within budget", () => {
  assert.ok(SITE_ROOT, "set TRELLIS_SITE_ROOT (scripts/test.sh does)");
  const pkg = join(SITE_ROOT, "pkg");
  const files = readdirSync(pkg);
  const gz = (name) => gzipSync(readFileSync(join(pkg, name)), { level: 9 }).length;
  const one = (re) => {
    const found = files.filter((f) => re.test(f));
    assert.equal(found.length, 1, `exactly one file matches ${re}: ${found}`);
    return found[0];
  };
  const manifest = JSON.parse(readFileSync(join(pkg, one(/^__wasm_split_manifest\..*\.json$/)), "utf8"));
  const chunksOf = (view) => {
    const key = Object.keys(manifest).find((k) => k.replace(/^_+/, "").startsWith(`${view}_view_view_`));
    assert.ok(key, `the split manifest has the ${view} view`);
    return manifest[key].map((m) => `${m}.wasm`);
  };
  const main = [one(/^trellis\.[^.]+\.wasm$/), one(/^trellis\.[^.]+\.js$/), one(/^trellis\.[^.]+\.css$/), one(/^__wasm_split\..*\.js$/)];
  const firstLoad = [...main, ...chunksOf("home")];
  const rows = firstLoad.map((f) => [f, gz(f)]);
  const total = rows.reduce((sum, [, n]) => sum + n, 0);
  console.log("first load of /:");
  for (const [f, n] of rows) console.log(`  ${kb(n).toFixed(1).padStart(7)} KB  ${f}`);
  console.log(`  ${kb(total).toFixed(1).padStart(7)} KB  total (budget ${budget.firstLoadKB} KB)`);
  const failures = [];
  if (kb(total) > budget.firstLoadKB) failures.push(`first load of / is ${kb(total)} KB > ${budget.firstLoadKB} KB`);
  console.log("views (their own chunks, beyond what / already loaded):");
  for (const [view, limit] of Object.entries(budget.viewKB)) {
    const extra = chunksOf(view).filter((c) => !firstLoad.includes(c));
    const size = extra.reduce((sum, f) => sum + gz(f), 0);
    console.log(`  ${kb(size).toFixed(1).padStart(7)} KB  ${view} (budget ${limit} KB)`);
    if (kb(size) > limit) failures.push(`the ${view} view's chunks are ${kb(size)} KB > ${limit} KB`);
  }
  assert.deepEqual(failures, []);
});
