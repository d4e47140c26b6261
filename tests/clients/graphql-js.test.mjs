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
  assert.deepEqual(findBreakingChanges(exported, schema), []);
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
