// The home page in Chromium against the demo, whose fake GitHub answers only after 4 s: the
// page paints and hydrates before GitHub answers, with the card saying it is loading, then the
// card fills in by itself, and a reload then served from the person's kept page hydrates too;
// and each person sees their own pull requests and Jira issues.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, newContext, hydrated } from "./server.mjs";

const LATENCY_MS = 4000;

test("the home page paints and hydrates before a slow GitHub answers, then fills in", async () => {
  const server = await startServer({ env: { TRELLIS__DEMO__UPSTREAM__LATENCY_MS: String(LATENCY_MS) } });
  const browser = await launchBrowser();
  try {
    const context = await newContext(browser);
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(`${server.base}/`, { waitUntil: "commit" });
    await page.waitForSelector("h1:has-text('Home')");
    const painted = Date.now() - started;
    assert.ok(await page.isVisible("h2:has-text('Pull requests')"), "the card is there");
    await hydrated(page, 20_000);
    const live = Date.now() - started;
    assert.ok(live < LATENCY_MS, `hydrated after ${live} ms, before GitHub answered (${LATENCY_MS} ms)`);
    assert.ok(painted < live || painted < 1500, `painted after ${painted} ms`);
    // Not there yet: the card says so, then fills in without a reload.
    const early = await page.textContent("[aria-label='Pull requests']");
    assert.match(early, /Loading…|has not answered yet/, early);
    await page.waitForSelector("[aria-label='Pull requests'] .pr", { timeout: 20_000 });
    const filled = Date.now() - started;
    assert.ok(filled >= LATENCY_MS, `filled in after ${filled} ms`);
    assert.match(await page.textContent("[aria-label='Pull requests']"), /Waiting on your review/);
    // Once every card is settled (the slow upstreams answered, find any commit's chain of
    // calls too), a load is kept and the next reload gets the kept page, with a nonce of its
    // own that its scripts carry: it hydrates, and nothing is blocked.
    const hits = async () => Number((await (await fetch(`${server.base}/metrics`)).text()).match(/^trellis_page_cache_total\{outcome="hit"\} (\d+)/m)?.[1] ?? 0);
    const before = await hits();
    let hit = false;
    for (let i = 0; i < 30 && !hit; i++) {
      await page.reload();
      await hydrated(page, 20_000);
      hit = (await hits()) > before;
      if (!hit) await new Promise((r) => setTimeout(r, 1000));
    }
    assert.ok(hit, "a reload was served from the kept page");
    assert.match(await page.textContent("[aria-label='Pull requests']"), /Waiting on your review/);
    assert.deepEqual(context.problems, [], "no errors in the page");
  } finally {
    await browser.close();
    await server.stop();
  }
});

test("each person's home shows their own pull requests", async () => {
  const server = await startServer();
  try {
    const get = async (cookie) => (await fetch(`${server.base}/api/home/pull-requests`, { headers: cookie ? { cookie } : {} })).json();
    // Demo users: pick two through the guest cookie the picker sets.
    const pick = async (user) => {
      const res = await fetch(`${server.base}/auth/guest`, {
        method: "POST", redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: server.base },
        body: `user=${encodeURIComponent(user)}`,
      });
      assert.equal(res.status, 303, await res.text());
      return res.headers.get("set-cookie").split(";")[0];
    };
    let a, b;
    for (let i = 0; i < 20; i++) {
      a = await get(await pick("user:default/aaliyah.johnson"));
      b = await get(await pick("user:default/alejandro.vega"));
      if (a.data && b.data) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(a.data.login, "aaliyah.johnson");
    assert.equal(b.data.login, "alejandro.vega");
    for (const pr of a.data.mine) assert.equal(pr.author, "aaliyah.johnson");
    for (const pr of b.data.mine) assert.equal(pr.author, "alejandro.vega");
    // Jira finds each by the e-mail of their User entity: two accounts, each with its own issues.
    const jira = async (user) => (await fetch(`${server.base}/api/home/jira-issues`, { headers: { cookie: await pick(user) } })).json();
    let ja, jb;
    for (let i = 0; i < 20; i++) {
      ja = await jira("user:default/aaliyah.johnson");
      jb = await jira("user:default/alejandro.vega");
      if (ja.data && jb.data) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(ja.data && jb.data, JSON.stringify([ja, jb]));
    assert.notEqual(ja.data.accountId, jb.data.accountId);
    const keys = new Set(ja.data.issues.map((i) => i.key));
    assert.ok(jb.data.issues.every((i) => !keys.has(i.key)), "nobody sees another's issues");
  } finally {
    await server.stop();
  }
});

test("find any commit: my merged pull requests, then one typed into the card from the keyboard", async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.base}/`);
    await hydrated(page, 20_000);
    const card = "[aria-label='Find any commit']";
    await page.waitForSelector(`${card} input[name='find-commit']`);
    // My recently merged pull requests, each with where it is.
    await page.waitForSelector(`${card} .prs .badge`, { timeout: 20_000 });
    const badges = await page.$$eval(`${card} .prs .badge`, (bs) => bs.map((b) => b.textContent));
    assert.ok(badges.includes("production: rolled back") && badges.includes("staging: live"), badges.join(", "));
    await page.focus(`${card} input[name='find-commit']`);
    await page.keyboard.type("acme-pins/home-feed-service#106");
    await page.keyboard.press("Enter");
    await page.waitForURL(/find-commit=acme-pins%2Fhome-feed-service%23106/);
    await page.waitForSelector(`${card} table.find-commit-targets`, { timeout: 20_000 });
    const rows = await page.$$eval(`${card} tbody tr`, (trs) => trs.map((tr) => tr.textContent));
    const row = (env) => rows.find((r) => r.startsWith(env)) ?? "";
    assert.match(row("production"), /Rolled back.*rolled back by deployment/, rows.join("\n"));
    assert.match(row("staging"), /Live since deploy event/, rows.join("\n"));
    assert.match(row("ios"), /Not yet.*latest is ios-v4\.11\.0/, rows.join("\n"));
    assert.equal(await page.inputValue(`${card} input[name='find-commit']`), "acme-pins/home-feed-service#106");
    // Bad input is named in the card; the rest of the page is unharmed.
    await page.goto(`${server.base}/?find-commit=${encodeURIComponent("not a commit")}`);
    await page.waitForSelector(`${card} .widget-note.warn`, { timeout: 20_000 });
    assert.match(await page.textContent(`${card} .widget-note.warn`), /is not something to find/);
    await page.waitForSelector("[aria-label='Pull requests'] .pr", { timeout: 20_000 });
    assert.deepEqual(context.problems, [], "no errors in the page");
  } finally {
    await browser.close();
    await server.stop();
  }
});
