// The personal card in Chromium, from the keyboard: star a component on its page, find it on
// the home card with the visit; add a toolkit link (a `javascript:` one is refused with the
// card saying why); hide a card and move another up in "Customize this page", the page comes
// back with my layout (also after a reload), then reset it. axe finds no WCAG A/AA violation
// in the open editor, light and dark.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { hydrated, launchBrowser, newContext, startServer } from "./server.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const CARD = "[aria-label='Starred, recent and toolkit']";

async function cardIds(page) {
  return page.$$eval(".widgets > section.widget", (cs) => cs.map((c) => c.getAttribute("aria-label")));
}

test("personal: stars, visits, toolkit and my layout, from the keyboard", async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const context = await newContext(browser, { bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // Star from the entity page, from the keyboard.
    await page.goto(`${server.base}/catalog/default/component/home-feed-service`);
    await hydrated(page);
    const star = page.locator(".page-actions button");
    assert.equal((await star.textContent()).trim(), "☆ Star");
    await star.focus();
    await page.keyboard.press("Enter");
    await page.waitForSelector(".page-actions button >> text=★ Starred");

    await page.goto(`${server.base}/`);
    await hydrated(page);
    await page.waitForSelector(`${CARD} .pr-title`, { timeout: 20_000 });
    const text = await page.textContent(CARD);
    assert.match(text, /Starred.*Home Feed Service/s, text);
    assert.match(text, /Visited recently.*Home Feed Service \(Component\)/s, text);
    assert.match(text, /Toolkit.*Services my teams own/s, "the demo's admin links");

    // A toolkit link: a javascript: one is refused and the card says why; a real one is kept.
    await page.click(`${CARD} summary >> text=Add a link`);
    await page.fill(`${CARD} input[name=title]`, "Evil");
    await page.fill(`${CARD} input[name=url]`, "javascript:alert(1)");
    await page.keyboard.press("Enter");
    await page.waitForURL(/personal=url/);
    await page.waitForSelector(`${CARD} [role=alert]`);
    assert.match(await page.textContent(`${CARD} [role=alert]`), /http or https/);
    await page.click(`${CARD} summary >> text=Add a link`);
    await page.fill(`${CARD} input[name=title]`, "Runbooks");
    await page.fill(`${CARD} input[name=url]`, "https://wiki.acme.example/runbooks");
    await page.keyboard.press("Enter");
    await page.waitForSelector(`${CARD} a[href='https://wiki.acme.example/runbooks']`);
    assert.equal(await page.getAttribute(`${CARD} a[href='https://wiki.acme.example/runbooks']`, "rel"), "noopener noreferrer external");

    // My layout: hide Jira, move my card up, from the keyboard.
    const before = await cardIds(page);
    assert.ok(before.includes("Jira issues"), before.join());
    await page.focus(`${CARD} #customize-home summary`);
    await page.keyboard.press("Enter");
    // axe over the open editor, light and dark.
    await page.addScriptTag({ path: AXE });
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme });
      const result = await page.evaluate(() => window.axe.run(document,
        { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
      assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), [], scheme);
    }
    await page.focus(`${CARD} button[aria-label='Hide Jira issues']`);
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => ![...document.querySelectorAll(".widgets > section.widget")]
      .some((c) => c.getAttribute("aria-label") === "Jira issues"));
    await page.waitForSelector(`${CARD} .pr-title`, { timeout: 20_000 });
    await page.click(`${CARD} #customize-home summary`);
    await page.focus(`${CARD} button[aria-label='Move Starred, recent and toolkit up']`);
    await page.keyboard.press("Enter");
    await page.waitForSelector(`${CARD} .pr-title`, { timeout: 20_000 });
    const after = await cardIds(page);
    assert.ok(!after.includes("Jira issues"), after.join());
    const mine = before.indexOf("Starred, recent and toolkit");
    assert.equal(after.indexOf("Starred, recent and toolkit"), mine - 2, `one up, Jira gone: ${after.join()}`);
    await page.reload();
    await hydrated(page);
    assert.deepEqual(await cardIds(page), after, "stored, not only in this page");

    await page.waitForSelector(`${CARD} .pr-title`, { timeout: 20_000 });
    await page.click(`${CARD} #customize-home summary`);
    await page.click(`${CARD} button >> text=Reset to the default layout`);
    await page.waitForFunction((n) => document.querySelectorAll(".widgets > section.widget").length === n, before.length);
    assert.deepEqual(await cardIds(page), before);
    assert.deepEqual(context.problems, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});
