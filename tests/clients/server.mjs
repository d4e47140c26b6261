// Starts the real coachql binary on a fresh SQLite database with the demo
// data, on a free loopback port, and stops it when the tests end.
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

/** Starts a server; `env` adds settings. Returns { url, token(email), stop() }. */
export async function startServer(env = {}) {
  const dir = mkdtempSync(join(tmpdir(), "coachql-clients-"));
  const base = {
    ...process.env,
    DATABASE_URL: `sqlite://${dir}/demo.db`,
    COACHQL_JWT_SECRET: SECRET,
    RUST_LOG: "warn",
    ...env,
  };
  const seeded = spawnSync(bin, ["seed"], { env: base, cwd: dir, encoding: "utf8" });
  if (seeded.status !== 0) throw new Error(`coachql seed failed: ${seeded.stderr}`);
  const port = await freePort();
  const child = spawn(bin, ["serve", "--bind", `127.0.0.1:${port}`], {
    env: base,
    cwd: dir,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${url}/health`);
      if (r.ok) break;
    } catch {}
    if (i > 300) throw new Error(`the server did not start:\n${log}`);
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
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, token, stop, log: () => log };
}

/** The GraphQL operations of docs/API.md, as written there. */
export function apiExamples(text) {
  return [...text.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);
}
