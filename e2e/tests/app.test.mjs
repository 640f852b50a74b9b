// End-to-end: first paint is server-rendered, hydration makes controls work, and each view's WASM
// chunk loads only when that view is opened.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, newContext, openRecording, startServer } from "./server.mjs";

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

const difference = (a, b) => [...a].filter((x) => !b.has(x));

describe("Trellis in Chromium", () => {
  test("pages are server-rendered before any script runs", async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    for (const [path, heading] of [["/", "Home"], ["/catalog", "Catalog"], ["/compute", "Compute"], ["/admin", "Admin"]]) {
      const res = await page.goto(server.base + path);
      assert.equal(res.status(), 200, path);
      assert.equal(await page.textContent("h1"), heading, path);
      assert.equal(await page.getAttribute(`nav a[href="${path}"]`, "aria-current"), "page", path);
    }
    const missing = await page.goto(server.base + "/no/such/page");
    assert.equal(missing.status(), 404);
    assert.equal(await page.textContent("h1"), "Page not found");
    await context.close();
  });

  test("hydration makes the theme switch work", async () => {
    const context = await newContext(browser, { colorScheme: "light" });
    const { page } = await openRecording(context, server.base + "/");
    const toggle = page.locator("button.theme-toggle");
    assert.equal(await toggle.getAttribute("aria-pressed"), "false");
    await toggle.click();
    assert.equal(await page.getAttribute("html", "data-theme"), "dark");
    assert.equal(await toggle.getAttribute("aria-pressed"), "true");
    // The choice survives a reload (applied by /theme.js before paint).
    await page.reload();
    assert.equal(await page.getAttribute("html", "data-theme"), "dark");
    await context.close();
  });

  test("each view's chunk loads only when the view is opened", async () => {
    const fresh = async (path) => {
      const context = await newContext(browser);
      const rec = await openRecording(context, server.base + path);
      const html = await (await fetch(server.base + path)).text();
      await context.close();
      return { ...rec, html };
    };
    const home = await fresh("/");
    const catalog = await fresh("/catalog");
    const compute = await fresh("/compute");
    const catalogOnly = difference(catalog.wasm, home.wasm);
    const computeOnly = difference(compute.wasm, home.wasm);
    assert.ok(catalogOnly.length > 0, `opening /catalog fetches a chunk / does not: ${[...catalog.wasm]}`);
    assert.ok(computeOnly.length > 0, `opening /compute fetches a chunk / does not: ${[...compute.wasm]}`);
    for (const chunk of [...catalogOnly, ...computeOnly]) {
      assert.ok(!home.wasm.has(chunk), `/ must not fetch ${chunk}`);
    }
    // A directly loaded /catalog names its chunk in the server-rendered HTML, so the browser
    // fetches it alongside the main module instead of after it.
    assert.ok(catalogOnly.some((c) => catalog.html.includes(c)), `no preload of ${catalogOnly} in /catalog HTML`);

    // Client-side navigation from / to /catalog fetches the catalog chunk then, without a reload.
    const context = await newContext(browser);
    const { page, wasm } = await openRecording(context, server.base + "/");
    const before = new Set(wasm);
    await page.evaluate(() => { window.__sameDocument = true; });
    await page.click('nav a[href="/catalog"]');
    await page.waitForFunction(() => document.querySelector("h1")?.textContent === "Catalog");
    await page.waitForLoadState("networkidle");
    const fetched = difference(wasm, before);
    for (const chunk of catalogOnly) assert.ok(fetched.includes(chunk), `navigation fetched ${fetched}, not ${chunk}`);
    assert.equal(new URL(page.url()).pathname, "/catalog");
    assert.equal(await page.evaluate(() => window.__sameDocument), true, "client-side navigation, not a page load");
    await context.close();
  });

  test("assets are hashed, compressed and cached for a year", async () => {
    const html = await (await fetch(server.base + "/")).text();
    const js = html.match(/\/pkg\/trellis\.[\w-]+\.js/);
    const css = html.match(/\/pkg\/trellis\.[\w-]+\.css/);
    assert.ok(js && css, "hashed JS and CSS names in the page");
    for (const path of [js[0], css[0]]) {
      for (const encoding of ["gzip", "br"]) {
        const res = await fetch(server.base + path, { headers: { "accept-encoding": encoding } });
        assert.equal(res.status, 200, path);
        assert.equal(res.headers.get("content-encoding"), encoding, path);
        assert.match(res.headers.get("cache-control"), /max-age=31536000, immutable/);
      }
    }
  });
});
