// Apollo Client 3 as a web app uses it: relay-style pagination, errorPolicy
// 'all' with a field error, and the automatic persisted queries link.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { ApolloClient, InMemoryCache, HttpLink, gql } from "@apollo/client/core/index.js";
import { relayStylePagination } from "@apollo/client/utilities/index.js";
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries/index.js";
import { startServer } from "./server.mjs";

let server;
before(async () => (server = await startServer()));
after(async () => server?.stop());

function client(headers) {
  return new ApolloClient({
    link: new HttpLink({ uri: `${server.url}/graphql`, headers, fetch }),
    cache: new InMemoryCache({
      typePolicies: { Query: { fields: { courses: relayStylePagination(["filter", "orderBy"]) } } },
    }),
  });
}

const COURSES = gql`
  query Courses($after: String) {
    courses(first: 1, after: $after) {
      edges { cursor node { id title } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

test("relay-style pagination pages through courses with fetchMore", async () => {
  const c = client({ "X-Tenant": "insideout" });
  const first = await c.query({ query: COURSES });
  const watched = c.watchQuery({ query: COURSES, fetchPolicy: "cache-first" });
  assert.equal(first.data.courses.edges.length, 1);
  assert.equal(first.data.courses.pageInfo.hasNextPage, true);
  await watched.fetchMore({ variables: { after: first.data.courses.pageInfo.endCursor } });
  // The cache merges the pages: the first item, then the next one.
  const ids = watched.getCurrentResult().data.courses.edges.map((e) => e.node.id);
  assert.equal(ids.length, 2);
  assert.equal(ids[0], first.data.courses.edges[0].node.id);
  assert.notEqual(ids[1], ids[0]);
});

test("errorPolicy all: a failed field has a path and is null, the rest is kept", async () => {
  const c = client({ "X-Tenant": "insideout" });
  // `me` needs a token: it fails for an anonymous caller; `courses` does not.
  const r = await c.query({
    query: gql`query Mixed { me { userId } courses(first: 1) { totalCount } }`,
    errorPolicy: "all",
  });
  assert.equal(r.data.me, null);
  assert.ok(r.data.courses.totalCount > 0);
  assert.equal(r.errors.length, 1);
  assert.deepEqual(r.errors[0].path, ["me"]);
  assert.equal(r.errors[0].extensions.code, "UNAUTHENTICATED");
});

/** A persisted-query client that records every response it sees. */
function recording(headers) {
  const seen = [];
  const c = new ApolloClient({
    link: createPersistedQueryLink({
      sha256: (q) => createHash("sha256").update(q).digest("hex"),
      useGETForHashedQueries: true,
    }).concat(
      new HttpLink({
        uri: `${server.url}/graphql`,
        headers,
        fetch: async (url, init) => {
          const r = await fetch(url, init);
          seen.push({
            method: init.method ?? "GET",
            status: r.status,
            cache: r.headers.get("cache-control") ?? "",
            vary: r.headers.get("vary") ?? "",
          });
          return r;
        },
      }),
    ),
    cache: new InMemoryCache(),
  });
  return { c, seen };
}

test("automatic persisted queries: hash first, then the document once", async () => {
  const { c, seen } = recording({ "X-Tenant": "insideout" });
  const query = gql`query Persisted { courses(first: 2) { totalCount } }`;
  const one = await c.query({ query, fetchPolicy: "network-only" });
  assert.ok(one.data.courses.totalCount > 0);
  const two = await c.query({ query, fetchPolicy: "network-only" });
  assert.equal(two.data.courses.totalCount, one.data.courses.totalCount);
  // First: GET with the hash (not found), then the document; second: the hash alone.
  assert.deepEqual(
    seen.map((s) => s.method),
    ["GET", "POST", "GET"],
    JSON.stringify(seen),
  );
  assert.match(seen[2].cache, /public/);
  assert.match(seen[2].vary, /x-tenant/i);
});

test("a signed-in caller's persisted GET is never publicly cacheable", async () => {
  const token = server.token("leo@learner.example");
  const { c, seen } = recording({ Authorization: `Bearer ${token}` });
  const query = gql`query Me { me { userId } }`;
  await c.query({ query, fetchPolicy: "network-only" });
  const r = await c.query({ query, fetchPolicy: "network-only" });
  assert.ok(r.data.me.userId);
  const last = seen.at(-1);
  assert.equal(last.method, "GET");
  assert.match(last.cache, /private|no-store/);
  assert.doesNotMatch(last.cache, /public/);
  assert.match(last.vary, /authorization/i);
});
