// Accessibility: axe-core (npm, pinned) run in Chromium over every page of the demo, light and
// dark, after hydration and after the streamed cards are in, reports no WCAG 2.0/2.1 A or AA
// violation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { startServer, launchBrowser, newContext, hydrated } from "./server.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const PAGES = [
  "/",
  "/?dashboards=svc-home-feed-service+1h",
  "/catalog",
  "/catalog?kind=api",
  "/catalog/default/component/ads-serving",
  "/catalog/default/api/ads-serving-api",
  "/catalog/default/system/ads",
  "/catalog/default/domain/content-discovery",
  "/catalog/default/resource/ads-db",
  "/catalog/default/group/team-ads",
  "/catalog/default/user/demo.user",
  "/compute",
  "/admin",
  "/auth/guest",
  "/no/such/page",
];

test("no WCAG A/AA violations on any page, light and dark", async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  const found = [];
  try {
    for (const colorScheme of ["light", "dark"]) {
      // axe is injected as a script the page's CSP would refuse.
      const context = await newContext(browser, { colorScheme, bypassCSP: true, viewport: { width: 1280, height: 900 } });
      for (const path of PAGES) {
        const page = await context.newPage();
        await page.goto(`${server.base}${path}`);
        await hydrated(page);
        await page.waitForLoadState("networkidle");
        // Streamed cards have left their placeholders.
        await page.waitForFunction(() => !document.querySelector("[aria-busy=true]"), null, { timeout: 15_000 });
        await page.addScriptTag({ path: AXE });
        const result = await page.evaluate(() =>
          window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
        for (const v of result.violations) {
          found.push(`${colorScheme} ${path}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
        }
        await page.close();
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  assert.deepEqual(found, []);
});
