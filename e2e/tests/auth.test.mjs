// Sign-in through a trusted OAuth proxy, in Chromium: the server runs in proxy mode trusting
// loopback (where the browser connects from); a browser without identity headers is sent to the
// sign-in URL with its path as `rd`; one whose "proxy" adds X-Forwarded-Email sees its name in
// the header and its teams' components, with the page hydrated under the nonce CSP.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { hydrated, launchBrowser, newContext, startServer } from "./server.mjs";

const SIGN_IN = "http://sso.invalid/oauth2/start";
const ME = { "X-Forwarded-Email": "demo.user@acme.example" };

describe("proxy sign-in in Chromium", () => {
  let server;
  let browser;
  before(async () => {
    const config = `auth:\n  mode: proxy\n  signInUrl: ${SIGN_IN}\n  proxy:\n    trustedProxies: [127.0.0.0/8, "::1/128"]\npermission:\n  admins: [user:default/demo.user]\n`;
    server = await startServer({ config, headers: ME });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("an unauthenticated browser is redirected to sign in", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const signIn = page.waitForRequest((r) => r.url().startsWith(SIGN_IN));
    // The identity provider's host does not resolve here: the navigation ends there, failed.
    await page.goto(`${server.base}/catalog?kind=component`).catch(() => {});
    const request = await signIn;
    assert.equal(request.url(), `${SIGN_IN}?rd=%2Fcatalog%3Fkind%3Dcomponent`);
    assert.equal(request.redirectedFrom()?.url(), `${server.base}/catalog?kind=component`);
    await context.close();
  });

  test("a signed-in browser sees its name and its teams' components", async () => {
    const context = await newContext(browser, { extraHTTPHeaders: ME });
    const page = await context.newPage();
    const violations = [];
    page.on("console", (msg) => {
      if (msg.text().includes("Content Security Policy")) violations.push(msg.text());
    });
    await page.goto(`${server.base}/catalog?mine=1`);
    await hydrated(page);
    assert.equal((await page.textContent(".viewer")).trim(), "Demo User");
    assert.equal(await page.getAttribute(".viewer", "data-user"), "user:default/demo.user");
    const rows = await page.$$eval("tbody tr", (trs) => trs.length);
    assert.ok(rows > 0, "the demo user's teams own components");
    const owners = await page.$$eval("tbody tr", (trs) => trs.map((tr) => tr.textContent));
    assert.ok(owners.every((text) => /team-home-feed|team-search/.test(text)), owners.join("\n"));
    assert.deepEqual(violations, [], "no CSP violations while hydrating");
    await context.close();
  });

  test("an admin finds an action in the audit log", async () => {
    const context = await newContext(browser, { extraHTTPHeaders: ME });
    const page = await context.newPage();
    await page.goto(`${server.base}/admin`);
    await hydrated(page);
    // A same-origin mutation from the page: refresh everything (admins may).
    const status = await page.evaluate(async () => {
      const res = await fetch("/api/catalog/refresh", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      return res.status;
    });
    assert.equal(status, 202, "the refresh starts in the background");
    await page.fill("#audit input[name=actor]", "demo.user");
    await page.selectOption("#audit select[name=outcome]", "allowed");
    await Promise.all([page.waitForURL(/outcome=allowed/), page.click("#audit button[type=submit]")]);
    const rows = await page.$$eval("#audit tbody tr", (trs) => trs.map((tr) => tr.textContent));
    assert.ok(rows.some((r) => /user:default\/demo\.user/.test(r) && /refresh/.test(r)), rows.join("\n"));
    assert.match(page.url(), /actor=demo\.user/);
    await context.close();
  });
});

