// Starts the real coachql binary on a fresh SQLite database with the demo
// data, on a free loopback port, and stops it when the tests end. A caller
// may name its own DATABASE_URL in `env` and, for a second server on a
// database that is already seeded, pass `{ seed: false }`.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, "../..");
const bin =
  process.env.COACHQL_BIN ??
  join(process.env.CARGO_TARGET_DIR ?? join(repo, "target"), "debug", "coachql");

async function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

export const SECRET = "client-tests-secret-0123456789abcdef";

/**
 * Starts a server; `env` adds settings (DATABASE_URL among them: a fresh
 * SQLite file unless given). `seed: false` skips `coachql seed`, for a
 * database another server already seeded. Returns { url, token(email), stop() }.
 */
export async function startServer(env = {}, { seed = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "coachql-clients-"));
  const base = {
    ...process.env,
    DATABASE_URL: `sqlite://${dir}/demo.db`,
    COACHQL_JWT_SECRET: SECRET,
    RUST_LOG: "warn",
    ...env,
  };
  if (seed) {
    const seeded = spawnSync(bin, ["seed"], { env: base, cwd: dir, encoding: "utf8" });
    if (seeded.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`coachql seed failed: ${seeded.stderr}`);
    }
  }
  const port = await freePort();
  const child = spawn(bin, ["serve", "--bind", `127.0.0.1:${port}`], {
    env: base,
    cwd: dir,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr.on("data", (d) => (log += d));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${url}/health`);
      if (r.ok) break;
    } catch {}
    if (i > 300 || exited()) {
      // Never leave a half-started server behind.
      if (!exited()) {
        child.kill("SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`the server did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const token = (email, tenant = "insideout") => {
    const out = spawnSync(bin, ["token", "--tenant", tenant, "--email", email], {
      env: base,
      cwd: dir,
      encoding: "utf8",
    });
    if (out.status !== 0) throw new Error(out.stderr);
    return out.stdout.trim();
  };
  const stop = async () => {
    if (!exited()) {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, token, stop, log: () => log };
}

/**
 * A page of `browser` that may load only from `url`'s origin: anything that
 * would leave the machine is refused and recorded in `problems`, as are
 * console errors and page errors. Returns { context, page, problems, origin }.
 */
export async function offlinePage(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  const origin = new URL(url).origin;
  await context.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.origin === origin || u.protocol === "data:" || u.protocol === "blob:") {
      return route.continue();
    }
    problems.push(`external request: ${u.href}`);
    return route.abort();
  });
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  return { context, page, problems, origin };
}

/** The GraphQL operations of docs/API.md, as written there. */
export function apiExamples(text) {
  return [...text.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);
}
