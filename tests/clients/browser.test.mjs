// GraphiQL in Debian's Chromium, driven by playwright-core: it loads with
// nothing but this server (every other request fails the test), runs a
// query with an Authorization header, and shows the docs of Mutation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import { startServer, offlinePage } from "./server.mjs";

const CHROMIUM = process.env.CHROMIUM_BIN ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test("GraphiQL works offline: query with a token, docs of every type", { timeout: 120_000 }, async (t) => {
  if (!CHROMIUM) {
    t.skip("no Chromium installed (CI installs Debian's chromium)");
    return;
  }
  // Anything that would leave the machine is refused and recorded.
  const { context, page, problems, origin } = await offlinePage(browser, server.url);
  page.on("requestfailed", (r) => {
    if (new URL(r.url()).origin === origin) problems.push(`failed: ${r.url()}`);
  });

  // The headers GraphiQL keeps (shouldPersistHeaders) carry the token.
  const token = server.token("leo@learner.example");
  await page.addInitScript((t) => {
    localStorage.setItem("graphiql:headers", JSON.stringify({ Authorization: `Bearer ${t}` }));
    localStorage.setItem("graphiql:query", "{ me { userId roles } courses(first: 2) { totalCount } }");
  }, token);
  await page.goto(`${server.url}/graphql`, { waitUntil: "networkidle" });
  await page.waitForSelector(".graphiql-container", { timeout: 30_000 });

  // Run the query.
  await page.click(".graphiql-execute-button");
  await page.waitForFunction(
    () => document.querySelector(".result-window")?.textContent?.includes("totalCount"),
    null,
    { timeout: 30_000 },
  );
  const result = await page.textContent(".result-window");
  assert.match(result, /"roles"/);
  assert.match(result, /LEARNER/);
  assert.doesNotMatch(result, /"errors"/);

  // Docs: the schema loads, and Mutation opens without breaking the page.
  await page.click('[aria-label="Show Documentation Explorer"]');
  await page.waitForSelector(".graphiql-doc-explorer", { timeout: 30_000 });
  await page.getByText("Mutation", { exact: true }).first().click();
  await page.waitForFunction(
    () => document.querySelector(".graphiql-doc-explorer")?.textContent?.includes("signUp"),
    null,
    { timeout: 30_000 },
  );
  const docs = await page.textContent(".graphiql-doc-explorer");
  assert.match(docs, /registerForWorkshop/);

  assert.deepEqual(problems, []);
  await context.close();
});
