// End-to-end: the catalog over the demo catalog in Chromium — filters live in the URL (shareable,
// back button), search, paging, entity pages with the dependency graph and impact analysis.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { hydrated, launchBrowser, newContext, startServer } from "./server.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const rowCount = (page) => page.locator("table.entities tbody tr").count();

describe("catalog in Chromium", () => {
  test("without JavaScript the list and entity pages are complete", async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(server.base + "/catalog?kind=component&lifecycle=deprecated");
    const n = await rowCount(page);
    assert.ok(n > 0 && n < 25, `deprecated components: ${n}`);
    const res = await page.goto(server.base + "/catalog/default/component/config-service");
    assert.equal(res.status(), 200);
    assert.equal(await page.textContent("h1"), "Config Service");
    assert.ok(await page.locator(".graph svg .node").count() > 3, "graph drawn on the server");
    // Impact analysis streams in after the page (it never holds up first paint), so it needs
    // JavaScript; the hydrated test below checks it.
    const missing = await page.goto(server.base + "/catalog/default/component/nope");
    assert.equal(missing.status(), 404);
    await context.close();
  });

  test("filters change the URL, the back button restores them", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(server.base + "/catalog");
    await hydrated(page);
    assert.equal(await rowCount(page), 25);
    await page.evaluate(() => { window.__sameDocument = true; });
    await page.selectOption('select[name="kind"]', "Component");
    await page.selectOption('select[name="lifecycle"]', "experimental");
    await page.click('button[type="submit"]');
    await page.waitForURL(/kind=Component/);
    await page.waitForFunction(() => { const n = document.querySelectorAll("table.entities tbody tr").length; return n > 0 && n < 25; });
    const url = new URL(page.url());
    assert.equal(url.searchParams.get("lifecycle"), "experimental");
    const filtered = await rowCount(page);
    assert.ok(filtered > 0, "experimental components exist");
    assert.equal(await page.evaluate(() => window.__sameDocument), true, "client-side navigation");

    await page.goBack();
    await page.waitForFunction(() => document.querySelectorAll("table.entities tbody tr").length === 25);
    assert.equal(new URL(page.url()).search, "");

    // A shared link opens the same filtered list.
    const shared = await context.newPage();
    await shared.goto(url.toString());
    assert.equal(await rowCount(shared), filtered);

    await page.fill('.filters input[name="q"]', "auth");
    await page.click('button[type="submit"]');
    await page.waitForURL(/q=auth/);
    await page.waitForFunction(() => [...document.querySelectorAll("table.entities tbody tr")].every((r) => /auth/i.test(r.textContent)));
    assert.deepEqual(context.problems, [], "the pages reported no errors");
    await context.close();
  });

  test("paging and navigating to an entity and its team", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(server.base + "/catalog?kind=user");
    await hydrated(page);
    const first = await page.textContent("table.entities tbody tr td a");
    await page.click('a[rel="next"]');
    await page.waitForURL(/cursor=/);
    await page.waitForFunction((f) => document.querySelector("table.entities tbody tr td a")?.textContent !== f, first);
    await page.click('a[rel="prev"]');
    await page.waitForFunction((f) => document.querySelector("table.entities tbody tr td a")?.textContent === f, first);

    await page.goto(server.base + "/catalog?q=config-service");
    await hydrated(page);
    await page.click('table.entities a:text-is("Config Service")');
    await page.waitForFunction(() => document.querySelector("h1")?.textContent === "Config Service");
    await page.waitForSelector(".graph svg");
    await page.waitForFunction(() => /entities depend on this one/.test(document.querySelector(".impact")?.textContent));
    const owner = page.locator(".facts a.entity-link").first();
    await owner.click();
    await page.waitForSelector("text=Owned by this team");
    assert.match(await page.textContent("h1"), /team|platform|observability|runtime/i);
    assert.deepEqual(context.problems, [], "the pages reported no errors");
    await context.close();
  });
});
