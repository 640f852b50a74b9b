// The GitHub GraphQL documents Trellis sends (crates/integrations/graphql/*.graphql) are valid
// against GitHub's official public schema (npm @octokit/graphql-schema, pinned in package.json),
// and the schema subset graphql_client generates Rust types from agrees with it: every type,
// field, argument, enum value and union member it declares exists there with the same type.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildClientSchema, buildSchema, parse, validate, isObjectType, isInterfaceType, isEnumType, isUnionType, isScalarType } from "graphql";
import { schema as octokit } from "@octokit/graphql-schema";

const DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "crates", "integrations", "graphql");
const SUBSET = "github-subset.graphql";
// The introspection form: the package's SDL defines two fields twice, which graphql-js refuses.
const official = buildClientSchema(octokit.json);

test("every document validates against GitHub's official schema", () => {
  const docs = readdirSync(DIR).filter((f) => f.endsWith(".graphql") && f !== SUBSET);
  assert.ok(docs.length > 0, "there are documents to check");
  for (const file of docs) {
    const errors = validate(official, parse(readFileSync(join(DIR, file), "utf8")));
    assert.deepEqual(errors.map((e) => e.message), [], `${file} is valid against GitHub's schema`);
  }
});

test("the schema subset says what GitHub's schema says", () => {
  const subset = buildSchema(readFileSync(join(DIR, SUBSET), "utf8"));
  const problems = [];
  for (const [name, type] of Object.entries(subset.getTypeMap())) {
    if (name.startsWith("__") || ["String", "Int", "Boolean", "Float", "ID"].includes(name)) continue;
    const real = official.getType(name);
    if (!real) { problems.push(`${name}: no such type in GitHub's schema`); continue; }
    const kind = (t) => [isObjectType, isInterfaceType, isEnumType, isUnionType, isScalarType].findIndex((f) => f(t));
    if (kind(type) !== kind(real)) { problems.push(`${name}: another kind of type in GitHub's schema`); continue; }
    if (isObjectType(type) || isInterfaceType(type)) {
      const realFields = real.getFields();
      for (const [fname, field] of Object.entries(type.getFields())) {
        const rf = realFields[fname];
        if (!rf) { problems.push(`${name}.${fname}: no such field`); continue; }
        if (String(rf.type) !== String(field.type)) problems.push(`${name}.${fname}: ${field.type} here, ${rf.type} at GitHub`);
        for (const arg of field.args) {
          const ra = rf.args.find((a) => a.name === arg.name);
          if (!ra) problems.push(`${name}.${fname}(${arg.name}): no such argument`);
          else if (String(ra.type) !== String(arg.type)) problems.push(`${name}.${fname}(${arg.name}): ${arg.type} here, ${ra.type} at GitHub`);
        }
      }
    }
    if (isEnumType(type)) {
      const values = new Set(real.getValues().map((v) => v.name));
      for (const v of type.getValues()) if (!values.has(v.name)) problems.push(`${name}.${v.name}: no such value`);
    }
    if (isUnionType(type)) {
      const members = new Set(real.getTypes().map((t) => t.name));
      for (const t of type.getTypes()) if (!members.has(t.name)) problems.push(`${name}: ${t.name} is no member`);
    }
  }
  assert.deepEqual(problems, []);
});
