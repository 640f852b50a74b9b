// The dashboards card in Chromium, its charts drawn from a real Prometheus (the Debian package,
// scraping itself every second; the demo's dashboards chart Prometheus's own metrics): a
// dashboard of my teams opens the drawer in place from the keyboard, its charts have axes,
// lines and hover values, the range changes, axe finds no WCAG A/AA violation in it (light and
// dark), and closing it leaves the dashboard under "Viewed recently".
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hydrated, launchBrowser, newContext, startServer } from "./server.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function startPrometheus() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "trellis-prometheus-"));
  const target = `127.0.0.1:${port}`;
  writeFileSync(join(dir, "prometheus.yml"),
    `global: {scrape_interval: 1s}\nscrape_configs:\n  - job_name: prometheus\n    static_configs: [{targets: ["${target}"]}]\n`);
  const child = spawn("prometheus", [`--config.file=${join(dir, "prometheus.yml")}`,
    `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=${target}`], { stdio: "ignore" });
  const url = `http://${target}`;
  // 25 samples at one a second, plus start-up on a loaded machine.
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent("count_over_time(up[1m])")}`);
      const body = await res.json();
      if (Number(body.data?.result?.[0]?.value?.[1] ?? 0) >= 25) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error("prometheus has no samples");
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, stop: () => child.kill() };
}

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
  return result.violations.map((v) => `${v.id}: ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}

test("dashboards: a drawer with real Prometheus charts, from the keyboard, accessible", async () => {
  const prometheus = await startPrometheus();
  const server = await startServer({ env: {
    TRELLIS__PROMETHEUS__BASE_URL: prometheus.url, TRELLIS__PROMETHEUS__SCRAPE_INTERVAL_SECS: "1",
  } });
  const browser = await launchBrowser();
  try {
    const context = await newContext(browser, { bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.base}/`);
    await hydrated(page, 20_000);
    const card = "[aria-label='Dashboards']";
    await page.waitForSelector(`${card} .prs .pr-title`, { timeout: 20_000 });
    const first = await page.textContent(`${card} .prs .pr-title`);
    assert.match(first, /Service overview/);
    // Opened from the keyboard: the drawer, in place, over the page.
    await page.focus(`${card} .prs .pr-title`);
    await page.keyboard.press("Enter");
    await page.waitForURL(/dashboards=svc-/);
    await page.waitForSelector("#dashboard-drawer .chart-svg", { timeout: 20_000 });
    assert.equal(await page.textContent("#dashboard-drawer h3"), first);
    const charts = await page.$$eval("#dashboard-drawer .chart", (cs) => cs.map((c) => c.textContent));
    const memory = charts.find((c) => c.startsWith("Memory")) ?? "";
    assert.match(memory, /prometheus \d+(\.\d+)? MiB/, charts.join("\n"));
    const ticks = await page.$$eval("#dashboard-drawer .chart-svg .tick", (ts) => ts.length);
    assert.ok(ticks >= 6, `axes with ticks: ${ticks}`);
    assert.match(await page.textContent("#dashboard-drawer .drawer-skipped"), /Runbook: a text panel/);
    // The last hour: Prometheus has half a minute of samples, a few points every 10 s.
    await page.click("#dashboard-drawer .range >> text=1h");
    await page.waitForURL(/\+1h/);
    await page.waitForSelector("#dashboard-drawer .range[aria-current='page'] >> text=1h");
    await page.waitForSelector("#dashboard-drawer .chart-svg polyline", { state: "attached" });
    // Hover values: the column under the mouse shows its time and values.
    const column = page.locator("#dashboard-drawer .chart").filter({ hasText: "Memory" }).locator(".hover").last();
    await column.locator(".hit").hover();
    const tip = column.locator(".tip");
    assert.equal(await tip.evaluate((t) => getComputedStyle(t).visibility), "visible");
    assert.match(await tip.textContent(), /UTC.*prometheus: \d/);
    // Accessible, light and dark.
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme });
      assert.deepEqual(await axe(page), [], scheme);
    }
    // Closed from the keyboard; the dashboard is now among those I viewed.
    await page.focus("#dashboard-drawer .drawer-close");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${server.base}/`);
    await page.waitForSelector(`${card} .prs .pr-title`, { timeout: 20_000 });
    assert.equal(await page.$("#dashboard-drawer"), null);
    assert.match(await page.textContent(card), new RegExp(`Viewed recently.*${first}`));
    assert.deepEqual(context.problems, [], "no errors in the page");
  } finally {
    await browser.close();
    await server.stop();
    prometheus.stop();
  }
});
