// The command palette in Chromium, from the keyboard only: Ctrl-K focuses it from any page and
// lists the pages, typing finds entities, dashboards and toolkit links, the arrow keys move
// through the hits, Enter opens one (a client-side navigation), Escape closes; a query that
// matches nothing says so. axe finds no WCAG A/AA violation with the hits open, light and dark.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { hydrated, launchBrowser, newContext, startServer } from "./server.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const HITS = "#palette-hits";

async function hitsFor(page, text) {
  await page.fill("#palette-q", text);
  await page.waitForFunction(([sel, t]) => {
    const h = document.querySelector(sel);
    return h && !h.hidden && h.dataset.q === t;
  }, [HITS, text]);
  return page.$$eval(`${HITS} .palette-hit`, (as) => as.map((a) => ({
    kind: a.querySelector(".badge").textContent, title: a.querySelector(".palette-title").textContent, href: a.getAttribute("href"),
  })));
}

test("palette: Ctrl-K from anywhere, find, move with arrows, open with Enter", async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const context = await newContext(browser, { bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.base}/catalog`);
    await hydrated(page);

    // Ctrl-K focuses the field and lists the pages.
    await page.keyboard.press("Control+k");
    assert.equal(await page.evaluate(() => document.activeElement.id), "palette-q");
    await page.waitForSelector(`${HITS}:not([hidden]) .palette-hit`);
    const start = await page.$$eval(`${HITS} .palette-title`, (ts) => ts.map((t) => t.textContent));
    assert.ok(start.includes("Home") && start.includes("Your profile"), start.join());

    // Typing finds an entity by its title; the arrows move through the hits; Enter opens it.
    const found = await hitsFor(page, "home feed");
    assert.equal(found[0].kind, "Entity", JSON.stringify(found));
    // The best hit is an entity titled (or displayed as) what was typed, whichever kind it is.
    assert.match(found[0].title, /^home feed/i, JSON.stringify(found));
    assert.match(found[0].href, /^\/catalog\/default\/[a-z]+\/[a-z-]*home-feed/);
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute("href")), found[0].href);
    if (found.length > 1) {
      await page.keyboard.press("ArrowDown");
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute("href")), found[1].href);
      await page.keyboard.press("ArrowUp");
    }
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => u.pathname === found[0].href);
    await page.waitForSelector("h1");
    assert.ok(await page.$eval(HITS, (h) => h.hidden), "opening a hit closes the list");

    // Enter in the field opens the first hit; dashboards and toolkit links are found too.
    await page.keyboard.press("Control+k");
    const overview = await hitsFor(page, "overview");
    assert.ok(overview.some((h) => h.kind === "Dashboard" && h.href.startsWith("/?dashboards=")), JSON.stringify(overview));
    const tools = await hitsFor(page, "services my teams");
    assert.equal(tools[0]?.kind, "Tool", JSON.stringify(tools));
    const catalog = await hitsFor(page, "catalog");
    assert.deepEqual(catalog[0], { kind: "Page", title: "Catalog", href: "/catalog" });
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => u.pathname === "/catalog" && u.search === "");

    // Nothing matches: it says so. Escape closes and keeps the focus in the field.
    await page.keyboard.press("Control+k");
    await hitsFor(page, "zzzz-nothing");
    assert.match(await page.textContent(HITS), /No page, entity, tool or dashboard matches 'zzzz-nothing'/);
    await hitsFor(page, "ads");
    await page.addScriptTag({ path: AXE });
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme });
      const result = await page.evaluate(() => window.axe.run(document,
        { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
      assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), [], scheme);
    }
    await page.keyboard.press("Escape");
    assert.ok(await page.$eval(HITS, (h) => h.hidden));
    assert.equal(await page.evaluate(() => document.activeElement.id), "palette-q");
    assert.deepEqual(context.problems, []);
    await context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
});
