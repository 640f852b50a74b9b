// Backstage's own catalog client (`@backstage/catalog-client`, the version pinned in
// package.json) against the release server, with no code of ours in between: every method of
// its CatalogApi. A client release that stops working against Trellis fails here.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CatalogClient } from "@backstage/catalog-client";
import { startServer } from "./server.mjs";

let server;
let client;
let dir;

const component = (name) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-search\n`;

before(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "trellis-client-")));
  writeFileSync(join(dir, "one.yaml"), component("client-one"));
  writeFileSync(join(dir, "two.yaml"), component("client-two"));
  server = await startServer({
    config: [
      "auth:\n  mode: guest\n  guestUser: user:default/demo.user",
      "permission:\n  admins: [user:default/demo.user]",
      `catalog:\n  refreshIntervalSecs: 86400\n  fileRoots: [${dir}]`,
    ].join("\n"),
  });
  client = new CatalogClient({
    discoveryApi: { getBaseUrl: async () => `${server.base}/api/catalog` },
    fetchApi: { fetch: globalThis.fetch },
  });
});

after(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const eventually = async (check, what) => {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`not within 20 s: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe("@backstage/catalog-client against Trellis", () => {
  test("entities: list, by ref, by refs, facets, ancestry", async () => {
    const { items } = await client.getEntities({ filter: { kind: "System" }, fields: ["metadata.name"] });
    assert.equal(items.length, 20);
    const ordered = await client.getEntities({ filter: { kind: "Domain" }, order: { field: "metadata.name", order: "desc" }, limit: 2 });
    assert.ok(ordered.items[0].metadata.name > ordered.items[1].metadata.name);
    const entity = await client.getEntityByRef("component:default/search-service");
    assert.equal(entity.spec.owner, "team-search");
    assert.equal(await client.getEntityByRef("component:default/nope"), undefined);
    const byRefs = await client.getEntitiesByRefs({ entityRefs: ["component:default/search-service", "component:default/nope"] });
    assert.equal(byRefs.items[0].metadata.name, "search-service");
    assert.equal(byRefs.items[1], undefined);
    const byRefsQuery = await client.getEntitiesByRefs({
      entityRefs: ["component:default/search-service", "system:default/search"],
      query: { kind: "component" },
    });
    assert.equal(byRefsQuery.items[1], undefined, "the predicate excludes the system");
    const facets = await client.getEntityFacets({ facets: ["kind"], filter: { "spec.owner": "team-search" } });
    assert.ok(facets.facets.kind.some((f) => f.value === "Component" && f.count > 0));
    const byPredicate = await client.getEntityFacets({ facets: ["spec.type"], query: { kind: "component" } });
    assert.ok(byPredicate.facets["spec.type"].length > 0);
    const ancestry = await client.getEntityAncestors({ entityRef: "component:default/search-service" });
    assert.equal(ancestry.rootEntityRef, "component:default/search-service");
    assert.deepEqual(ancestry.items[0].parentEntityRefs, ["location:default/demo-catalog"]);
  });

  test("queryEntities pages past the first page, with filters and with predicates", async () => {
    const first = await client.queryEntities({ filter: { kind: "Component" }, limit: 25, orderFields: { field: "metadata.name", order: "asc" } });
    assert.equal(first.totalItems, 91);
    const names = first.items.map((e) => e.metadata.name);
    let cursor = first.pageInfo.nextCursor;
    while (cursor) {
      const page = await client.queryEntities({ cursor, limit: 25 });
      names.push(...page.items.map((e) => e.metadata.name));
      cursor = page.pageInfo.nextCursor;
    }
    assert.equal(names.length, 91, "every component, across pages");
    assert.equal(new Set(names).size, 91);

    const query = { $all: [{ kind: "component" }, { $not: { "spec.lifecycle": "production" } }] };
    const p1 = await client.queryEntities({ query, limit: 5 });
    assert.ok(p1.totalItems > 5);
    const p2 = await client.queryEntities({ cursor: p1.pageInfo.nextCursor, limit: 5 });
    assert.equal(p2.items.length, 5);
    assert.ok(p2.items.every((e) => e.spec.lifecycle !== "production"));
    const combined = await client.queryEntities({ filter: { kind: "API" }, query: { "spec.type": { $in: ["grpc", "openapi"] } }, limit: 200 });
    assert.ok(combined.items.length > 0 && combined.items.every((e) => e.kind === "API"));
    const text = await client.queryEntities({ fullTextFilter: { term: "search" }, limit: 5 });
    assert.ok(text.totalItems > 0);

    let streamed = 0;
    for await (const batch of client.streamEntities({ filter: { kind: "User" }, pageSize: 30 })) streamed += batch.length;
    assert.equal(streamed, 108);
  });

  test("locations: add (dry run and real), get, query, stream, update, remove, by entity, analyze", async () => {
    const target = join(dir, "one.yaml");
    const dry = await client.addLocation({ type: "file", target, dryRun: true });
    assert.equal(dry.exists, false);
    assert.equal(dry.entities[0].metadata.name, "client-one");
    const added = await client.addLocation({ type: "file", target });
    assert.equal(added.location.target, target);
    await eventually(async () => (await client.getEntityByRef("component:default/client-one")) !== undefined, "client-one stored");

    const { items } = await client.getLocations();
    assert.ok(items.some((l) => l.id === added.location.id));
    assert.equal((await client.getLocationById(added.location.id)).target, target);
    assert.equal((await client.getLocationByRef(`file:${target}`)).id, added.location.id);
    const byEntity = await client.getLocationByEntity("component:default/client-one");
    assert.equal(byEntity.id, added.location.id);

    const queried = await client.queryLocations({ limit: 1, query: { target: { $hasPrefix: dir } } });
    assert.equal(queried.totalItems, 1);
    let streamedLocations = 0;
    for await (const batch of client.streamLocations({ query: { type: "file" } })) streamedLocations += batch.length;
    assert.ok(streamedLocations >= 2, "the demo location and ours");

    const updated = await client.updateLocation(added.location.id, { type: "file", target: join(dir, "two.yaml") });
    assert.equal(updated.target, join(dir, "two.yaml"));
    await eventually(async () => (await client.getEntityByRef("component:default/client-two")) !== undefined, "client-two stored");

    const analysis = await client.analyzeLocation({ location: { type: "file", target: join(dir, "one.yaml") } });
    assert.equal(analysis.existingEntityFiles[0].entity.metadata.name, "client-one");
    await assert.rejects(
      client.analyzeLocation({ location: { type: "url", target: "https://github.com/a/b" } }),
      (e) => e.response?.status === 400 && /`file` locations only/.test(e.body?.error?.message ?? ""),
      "URL locations are refused, saying why",
    );

    await client.removeLocationById(added.location.id);
    await eventually(async () => (await client.getEntityByRef("component:default/client-two")) === undefined, "its entities go");
  });

  test("refresh, validate and remove an entity", async () => {
    await client.refreshEntity("component:default/search-service");
    const valid = await client.validateEntity(
      { apiVersion: "backstage.io/v1alpha1", kind: "Component", metadata: { name: "ok" }, spec: { type: "service", lifecycle: "production", owner: "x" } },
      "url:https://example.com/catalog-info.yaml",
    );
    assert.deepEqual(valid, { valid: true });
    const invalid = await client.validateEntity({ apiVersion: "backstage.io/v1alpha1", kind: "Component", metadata: { name: "bad name" } }, "url:https://x/y");
    assert.equal(invalid.valid, false);
    assert.ok(invalid.errors.length > 0);
    const entity = await client.getEntityByRef("component:default/search-service");
    await client.removeEntityByUid(entity.metadata.uid);
    assert.equal(await client.getEntityByRef("component:default/search-service"), undefined);
  });
});
