// The size budget of the release site, as a browser fetches it: every file under /pkg/ that
// Chromium requests while it opens a page and hydrates it (main WASM module, JS glue, CSS, the
// split loader, route chunks, preloads), each gzipped at level 9. The first load of `/` is all of
// those for `/`; a view's figure is what its direct load fetches beyond what `/` fetched. File
// sizes are deterministic, unlike timings: the test fails when a budget (`e2e/size-budget.json`)
// is passed, and prints every figure either way.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { hydrated, launchBrowser, newContext, startServer } from "./server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const budget = JSON.parse(readFileSync(join(here, "..", "size-budget.json"), "utf8"));

// Where each budgeted view is opened (the demo catalog is loaded). The home view is `/`: its
// chunks are part of the first load's budget.
const PATHS = {
  catalog: "/catalog",
  entity: "/catalog/default/component/ads-serving",
  compute: "/compute",
  admin: "/admin",
  guest: "/auth/guest",
};

const kb = (bytes) => Math.round((bytes / 1024) * 10) / 10;

async function fetched(browser, url) {
  const context = await newContext(browser);
  const page = await context.newPage();
  const files = new Set();
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith("/pkg/")) files.add(u.pathname.slice("/pkg/".length));
  });
  await page.goto(url);
  await hydrated(page);
  await page.waitForLoadState("networkidle");
  await context.close();
  return files;
}

test("first load of / and each view's chunks stay within budget", async () => {
  const SITE_ROOT = process.env.TRELLIS_SITE_ROOT;
  assert.ok(SITE_ROOT, "set TRELLIS_SITE_ROOT (scripts/test.sh does)");
  assert.deepEqual(Object.keys(budget.viewKB).sort(), Object.keys(PATHS).sort(), "every view has a budget and a path");
  const gz = (name) => gzipSync(readFileSync(join(SITE_ROOT, "pkg", name)), { level: 9 }).length;
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const home = await fetched(browser, server.base + "/");
    const total = [...home].reduce((sum, f) => sum + gz(f), 0);
    console.log("first load of /:");
    for (const f of [...home].sort()) console.log(`  ${kb(gz(f)).toFixed(1).padStart(7)} KB  ${f}`);
    console.log(`  ${kb(total).toFixed(1).padStart(7)} KB  total (budget ${budget.firstLoadKB} KB)`);
    const failures = [];
    if (kb(total) > budget.firstLoadKB) failures.push(`first load of / is ${kb(total)} KB > ${budget.firstLoadKB} KB`);
    assert.ok([...home].some((f) => /^trellis\..*\.wasm$/.test(f)), "the main module is among the files of /");
    console.log("views (what a direct load fetches beyond what / fetched):");
    for (const [view, limit] of Object.entries(budget.viewKB)) {
      const extra = [...(await fetched(browser, server.base + PATHS[view]))].filter((f) => !home.has(f));
      const size = extra.reduce((sum, f) => sum + gz(f), 0);
      console.log(`  ${kb(size).toFixed(1).padStart(7)} KB  ${view} ${PATHS[view]} (budget ${limit} KB; ${extra.length} files)`);
      if (kb(size) > limit) failures.push(`the ${view} view fetches ${kb(size)} KB beyond / > ${limit} KB`);
    }
    assert.deepEqual(failures, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});
