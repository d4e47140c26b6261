// The GraphQL-over-HTTP audit of graphql-http: no warning, no error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serverAudits } from "graphql-http";
import { startServer } from "./server.mjs";

let server;
before(async () => (server = await startServer()));
after(async () => server?.stop());

test("graphql-http server audits: 0 warn, 0 error", async () => {
  const results = [];
  for (const audit of serverAudits({ url: `${server.url}/graphql`, fetchFn: fetch })) {
    results.push({ name: audit.name, ...(await audit.fn()) });
  }
  const bad = results.filter((r) => r.status === "warn" || r.status === "error");
  const ok = results.filter((r) => r.status === "ok").length;
  console.log(`graphql-http audits: ${ok} ok, ${results.length - ok - bad.length} notice, ${bad.length} warn/error`);
  assert.deepEqual(
    bad.map((r) => `${r.status}: ${r.name}: ${r.reason}`),
    [],
  );
});
