// graphql-js 16 against the live server: the standard introspection query,
// a printable schema, and every docs/API.md operation valid against it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  buildClientSchema,
  getIntrospectionQuery,
  parse,
  printSchema,
  validate,
  buildSchema,
  findBreakingChanges,
} from "graphql";
import { startServer, repo, apiExamples } from "./server.mjs";

/** Whether any field or argument of `schema` refers to the type `name`. */
function isReachable(schema, name) {
  const named = (t) => (t.ofType ? named(t.ofType) : t.name);
  for (const type of Object.values(schema.getTypeMap())) {
    const fields = type.getFields?.() ?? {};
    for (const f of Object.values(fields)) {
      if (named(f.type) === name) return true;
      for (const a of f.args ?? []) if (named(a.type) === name) return true;
    }
  }
  return false;
}

let server;
before(async () => (server = await startServer()));
after(async () => server?.stop());

async function introspect() {
  const r = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: getIntrospectionQuery() }),
  });
  assert.equal(r.status, 200);
  const body = await r.json();
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return buildClientSchema(body.data);
}

test("the standard introspection query builds a printable schema", async () => {
  const schema = await introspect();
  const sdl = printSchema(schema);
  assert.match(sdl, /type Query/);
  assert.match(sdl, /type Mutation/);
  // The exported SDL describes the same API.
  const exported = buildSchema(readFileSync(join(repo, "schema.graphql"), "utf8"));
  // Introspection lists only the types reachable from the roots, and the
  // built-in @deprecated's locations differ between printers: neither is a
  // change a client can notice.
  const breaking = findBreakingChanges(exported, schema).filter(
    (c) =>
      !(c.type === "TYPE_REMOVED" && !isReachable(exported, c.description.split(" ")[0])) &&
      !(c.type === "DIRECTIVE_LOCATION_REMOVED" && c.description.includes("deprecated")),
  );
  assert.deepEqual(breaking, []);
});

test("every docs/API.md operation validates against the live schema", async () => {
  const schema = await introspect();
  const docs = apiExamples(readFileSync(join(repo, "docs/API.md"), "utf8"));
  assert.ok(docs.length > 20, `only ${docs.length} examples`);
  for (const text of docs) {
    const errors = validate(schema, parse(text));
    assert.deepEqual(errors.map((e) => e.message), [], text);
  }
});
