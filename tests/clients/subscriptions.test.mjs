// Subscriptions over WebSocket on /graphql as real clients meet them: the
// graphql-ws client, Apollo Client's GraphQLWsLink, a raw socket on the
// legacy `graphql-ws` protocol, and GraphiQL in Chromium.
//
// With COACHQL_CLIENT_PG (a PostgreSQL base URL such as
// postgres://postgres@127.0.0.1:5432, no database name) two servers share a
// fresh database: the subscriber listens on one, the mutation goes to the
// other, so the event crosses processes. Without it one SQLite server does
// both (SQLite's events are in-process).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import WebSocket from "ws";
import { createClient } from "graphql-ws";
import { ApolloClient, InMemoryCache, HttpLink, gql, split } from "@apollo/client/core/index.js";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions/index.js";
import { getMainDefinition } from "@apollo/client/utilities/index.js";
import { chromium } from "playwright-core";
import { startServer, offlinePage } from "./server.mjs";

const PG = process.env.COACHQL_CLIENT_PG?.replace(/\/+$/, "");
const CHROMIUM = process.env.CHROMIUM_BIN ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
/** How long an expected event may take. */
const WAIT_MS = 10_000;

/** The subscriber's server and the one mutations go to (the same on SQLite). */
let subscriberSide;
let mutationSide;
let database;
let workshopId;

function psql(sql) {
  const out = spawnSync("psql", ["-q", "-v", "ON_ERROR_STOP=1", `${PG}/postgres`, "-c", sql], {
    encoding: "utf8",
    env: { ...process.env, PGOPTIONS: "-c client_min_messages=warning" },
  });
  if (out.status !== 0) throw new Error(`psql failed (${sql}): ${out.stderr}${out.error ?? ""}`);
}

before(async () => {
  if (PG) {
    database = `coachql_clients_${process.pid}_${Date.now()}`;
    psql(`CREATE DATABASE "${database}"`);
    const env = { DATABASE_URL: `${PG}/${database}` };
    subscriberSide = await startServer(env);
    mutationSide = await startServer(env, { seed: false });
    assert.notEqual(mutationSide.url, subscriberSide.url);
  } else {
    subscriberSide = mutationSide = await startServer();
  }
  workshopId = await openWorkshop();
});

after(async () => {
  await subscriberSide?.stop();
  if (mutationSide !== subscriberSide) await mutationSide?.stop();
  if (database) psql(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
});

const wsUrl = (server) => `${server.url.replace(/^http/, "ws")}/graphql`;

/** A GraphQL request over HTTP; returns the parsed response. */
async function post(server, token, query, variables = {}) {
  const r = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  assert.equal(r.status, 200, `HTTP ${r.status}`);
  return r.json();
}

/** A published workshop with room that no learner is registered for. */
async function openWorkshop() {
  const ada = mutationSide.token("ada@insideout.example");
  const r = await post(
    mutationSide,
    ada,
    `{ workshops(first: 100) { nodes { id status capacityRemaining
        workshopRegistrations(first: 100) { nodes { user { email } } } } } }`,
  );
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const w = r.data.workshops.nodes.find(
    (w) =>
      w.status === "PUBLISHED" &&
      w.capacityRemaining > 2 &&
      !w.workshopRegistrations.nodes.some((n) => n.user.email.includes("@learner.")),
  );
  assert.ok(w, `no open workshop in the demo data: ${JSON.stringify(r.data)}`);
  return w.id;
}

const REGISTER = `mutation Register($id: ID!) {
  registerForWorkshop(workshopId: $id) { status workshop { capacityRemaining } }
}`;
const SEATS = `subscription Seats($id: ID!) { workshopSeats(workshopId: $id) { id capacityRemaining } }`;

/** `email` is not registered for the workshop (cancels an earlier registration). */
async function notRegistered(email) {
  const r = await post(
    mutationSide,
    mutationSide.token(email),
    `mutation Cancel($id: ID!) { cancelWorkshopRegistration(workshopId: $id) { status } }`,
    { id: workshopId },
  );
  if (r.errors) assert.equal(r.errors[0].extensions?.code, "NOT_FOUND", JSON.stringify(r.errors));
}

/** Registers `email` on the mutation side; returns the capacity the mutation reports. */
async function register(email) {
  const r = await post(mutationSide, mutationSide.token(email), REGISTER, { id: workshopId });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  assert.equal(r.data.registerForWorkshop.status, "REGISTERED");
  return r.data.registerForWorkshop.workshop.capacityRemaining;
}

/** Events as they arrive; `next()` waits for one, failing after `ms`. */
function inbox() {
  const items = [];
  const waiting = [];
  return {
    push(item) {
      const w = waiting.shift();
      if (w) w(item);
      else items.push(item);
    },
    next(ms = WAIT_MS, what = "event") {
      if (items.length) return Promise.resolve(items.shift());
      return new Promise((ok, fail) => {
        const w = (item) => {
          clearTimeout(timer);
          ok(item);
        };
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(w), 1);
          fail(new Error(`no ${what} within ${ms} ms`));
        }, ms);
        waiting.push(w);
      });
    },
  };
}

/** Waits for a seats event with `capacity` (events in between, e.g. an earlier change, are skipped). */
async function seatsEvent(box, pick, capacity) {
  const seen = [];
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) assert.fail(`no event with capacityRemaining ${capacity}; saw ${JSON.stringify(seen)}`);
    let item;
    try {
      item = await box.next(left);
    } catch {
      assert.fail(`no event with capacityRemaining ${capacity} within ${WAIT_MS} ms; saw ${JSON.stringify(seen)}`);
    }
    seen.push(item);
    assert.equal(item.error, undefined, `subscription failed: ${JSON.stringify(item)}`);
    assert.equal(item.complete, undefined, `subscription completed early: ${JSON.stringify(seen)}`);
    const seats = pick(item);
    assert.equal(item.errors, undefined, JSON.stringify(item.errors));
    if (seats?.capacityRemaining === capacity) return seats;
  }
}

test("graphql-ws client: the seats a registration on the other server takes arrive", async () => {
  await notRegistered("lina@learner.example");
  const box = inbox();
  const client = createClient({
    url: wsUrl(subscriberSide),
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${subscriberSide.token("lina@learner.example")}` },
    retryAttempts: 0,
  });
  const dispose = client.subscribe(
    { query: SEATS, variables: { id: workshopId } },
    {
      next: (r) => box.push(r),
      error: (error) => box.push({ error: String(error?.code ?? error?.message ?? error) }),
      complete: () => box.push({ complete: true }),
    },
  );
  try {
    // The workshop now, then again once its seats change.
    const first = await box.next(WAIT_MS, "initial value");
    assert.equal(first.errors, undefined, JSON.stringify(first.errors));
    assert.equal(first.data.workshopSeats.id, workshopId);
    const before = first.data.workshopSeats.capacityRemaining;
    assert.ok(before > 0);
    const after = await register("lina@learner.example");
    assert.equal(after, before - 1);
    const seats = await seatsEvent(box, (r) => r.data?.workshopSeats, after);
    assert.equal(seats.id, workshopId);
  } finally {
    dispose();
    await client.dispose();
  }
});

test("Apollo Client: split HttpLink/GraphQLWsLink, client.subscribe sees the change", async () => {
  await notRegistered("leo@learner.example");
  const headers = { Authorization: `Bearer ${subscriberSide.token("leo@learner.example")}` };
  const wsClient = createClient({
    url: wsUrl(subscriberSide),
    webSocketImpl: WebSocket,
    connectionParams: headers,
    retryAttempts: 0,
  });
  const client = new ApolloClient({
    link: split(
      ({ query }) => {
        const d = getMainDefinition(query);
        return d.kind === "OperationDefinition" && d.operation === "subscription";
      },
      new GraphQLWsLink(wsClient),
      new HttpLink({ uri: `${subscriberSide.url}/graphql`, headers, fetch }),
    ),
    cache: new InMemoryCache(),
  });
  const box = inbox();
  const sub = client.subscribe({ query: gql(SEATS), variables: { id: workshopId } }).subscribe({
    next: (r) => box.push(r),
    error: (e) => box.push({ error: String(e?.message ?? e) }),
    complete: () => box.push({ complete: true }),
  });
  try {
    const first = await box.next(WAIT_MS, "initial value");
    assert.equal(first.error, undefined, first.error);
    const before = first.data.workshopSeats.capacityRemaining;
    // Queries still go over HTTP through the same client.
    const q = await client.query({
      query: gql`query Seats($id: ID!) { node(id: $id) { ... on Workshop { id capacityRemaining } } }`,
      variables: { id: workshopId },
      fetchPolicy: "network-only",
    });
    assert.equal(q.data.node.capacityRemaining, before);
    const after = await register("leo@learner.example");
    assert.equal(after, before - 1);
    const seats = await seatsEvent(box, (r) => r.data?.workshopSeats, after);
    assert.equal(seats.id, workshopId);
  } finally {
    sub.unsubscribe();
    client.stop();
    await wsClient.dispose();
  }
});

test("a connection_init with a bad token is closed with 4403", async () => {
  const good = subscriberSide.token("lina@learner.example");
  const [head, body, signature] = good.split(".");
  const forged = [head, body, [...signature].reverse().join("")].join(".");
  for (const authorization of [`Bearer ${forged}`, "Bearer not-a-token", "Basic bGluYTpwdw=="]) {
    const closed = inbox();
    const events = inbox();
    const client = createClient({
      url: wsUrl(subscriberSide),
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: authorization },
      retryAttempts: 0,
      on: { closed: (e) => closed.push({ code: e.code, reason: e.reason }) },
    });
    const dispose = client.subscribe(
      { query: SEATS, variables: { id: workshopId } },
      { next: (r) => events.push({ next: r }), error: (e) => events.push({ error: e }), complete: () => {} },
    );
    try {
      const c = await closed.next(WAIT_MS, "close");
      assert.equal(c.code, 4403, `${authorization.slice(0, 12)}…: ${JSON.stringify(c)}`);
      // The subscription fails with the close event; it never sees data.
      const e = await events.next(WAIT_MS, "subscription error");
      assert.equal(e.next, undefined, JSON.stringify(e));
      assert.equal(e.error?.code, 4403);
    } finally {
      dispose();
      await client.dispose();
    }
  }
});

/** A raw socket: its messages, and how it closed. */
async function rawSocket(server, protocol) {
  const ws = new WebSocket(wsUrl(server), protocol);
  const messages = inbox();
  const closed = new Promise((ok) => ws.on("close", (code, reason) => ok({ code, reason: String(reason) })));
  ws.on("message", (m) => messages.push(JSON.parse(String(m))));
  await new Promise((ok, fail) => {
    ws.once("open", ok);
    ws.once("error", fail);
  });
  assert.equal(ws.protocol, protocol);
  const send = (m) => ws.send(JSON.stringify(m));
  return { ws, messages, closed, send };
}

test("legacy graphql-ws protocol: start, data, and a bad token is refused", async () => {
  // Anonymous with X-Tenant inside `headers`, as subscriptions-transport-ws clients send it.
  const s = await rawSocket(subscriberSide, "graphql-ws");
  try {
    s.send({ type: "connection_init", payload: { headers: { "x-tenant": "insideout" } } });
    let m = await s.messages.next(WAIT_MS, "connection_ack");
    assert.equal(m.type, "connection_ack", JSON.stringify(m));
    s.send({ id: "1", type: "start", payload: { query: SEATS, variables: { id: workshopId } } });
    do m = await s.messages.next(WAIT_MS, "data");
    while (m.type === "ka");
    assert.equal(m.type, "data", JSON.stringify(m));
    assert.equal(m.id, "1");
    assert.equal(m.payload.data.workshopSeats.id, workshopId);
    s.send({ id: "1", type: "stop" });
    s.send({ type: "connection_terminate" });
    const c = await Promise.race([s.closed, new Promise((r) => setTimeout(() => r(null), WAIT_MS))]);
    assert.ok(c, "the server did not close after connection_terminate");
  } finally {
    s.ws.terminate();
  }

  // The legacy protocol refuses with a connection_error message, then closes
  // with the same code as graphql-transport-ws.
  const bad = await rawSocket(subscriberSide, "graphql-ws");
  try {
    bad.send({ type: "connection_init", payload: { Authorization: "Bearer not-a-token" } });
    const m = await bad.messages.next(WAIT_MS, "connection_error");
    assert.equal(m.type, "connection_error", JSON.stringify(m));
    assert.ok(m.payload?.message, JSON.stringify(m));
    const c = await Promise.race([bad.closed, new Promise((r) => setTimeout(() => r(null), WAIT_MS))]);
    assert.ok(c, "a refused connection_init did not close the socket");
    assert.equal(c.code, 4403, JSON.stringify(c));
  } finally {
    bad.ws.terminate();
  }
});

test("GraphiQL in Chromium: a subscription shows the change made on the other server", { timeout: 120_000 }, async (t) => {
  if (!CHROMIUM) {
    t.skip("no Chromium installed (CI installs Debian's chromium)");
    return;
  }
  const email = "lina@learner.example";
  await notRegistered(email);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  try {
    const { context, page, problems, origin } = await offlinePage(browser, subscriberSide.url);
    const sockets = [];
    page.on("websocket", (ws) => sockets.push(ws.url()));

    const token = subscriberSide.token(email);
    const query = `subscription { workshopSeats(workshopId: "${workshopId}") { capacityRemaining } }`;
    await page.goto(`${subscriberSide.url}/graphql`, { waitUntil: "networkidle" });
    await page.waitForSelector(".graphiql-container", { timeout: 30_000 });

    // Type the subscription into the editor and the token into Headers.
    await typeInto(page, ".graphiql-query-editor", query);
    await page.getByText("Headers", { exact: true }).click();
    await typeInto(page, ".graphiql-editor-tool", JSON.stringify({ Authorization: `Bearer ${token}` }));

    await page.click(".graphiql-execute-button");
    await page.waitForFunction(
      () => /"capacityRemaining"\s*:\s*\d+/.test(document.querySelector(".result-window")?.textContent ?? ""),
      null,
      { timeout: 30_000 },
    ).catch((e) => {
      throw new Error(`${e.message}\nproblems: ${JSON.stringify(problems)}\nsockets: ${JSON.stringify(sockets)}`);
    });
    const shown = async () => {
      const text = (await page.textContent(".result-window")) ?? "";
      return Number(text.match(/"capacityRemaining"\s*:\s*(\d+)/)?.[1]);
    };
    const before = await shown();
    assert.ok(before > 0, `result pane: ${await page.textContent(".result-window")}`);
    assert.ok(sockets.some((u) => u.startsWith(`${origin.replace(/^http/, "ws")}/graphql`)), JSON.stringify(sockets));

    const after = await register(email);
    assert.equal(after, before - 1);
    await page.waitForFunction(
      (n) => new RegExp(`"capacityRemaining"\\s*:\\s*${n}\\b`).test(document.querySelector(".result-window")?.textContent ?? ""),
      after,
      { timeout: WAIT_MS },
    );
    assert.equal(await shown(), after);
    assert.doesNotMatch((await page.textContent(".result-window")) ?? "", /"errors"/);
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
  }
});

/** Replaces the text of the CodeMirror editor inside `selector`. */
async function typeInto(page, selector, text) {
  const editor = page.locator(`${selector} .CodeMirror:visible`).first();
  await editor.waitFor({ timeout: 30_000 });
  await editor.click();
  // CodeMirror 5 keeps its instance on the element: set the value exactly,
  // without the editor's auto-closing brackets getting in the way.
  await editor.evaluate((el, t) => el.CodeMirror.setValue(t), text);
}
