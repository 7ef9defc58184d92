// The CLI scripts against a real local D1 state (a temporary --persist-to directory), the
// same way `npm start` and the end-to-end tests use them.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, ROOT, seedDemo, wranglerEnv } from "../../scripts/lib/local-stack.mjs";

const exec = promisify(execFile);
const persistTo = mkdtempSync(join(tmpdir(), "lectern-cli-test-"));

async function cli(script: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await exec(
      process.execPath,
      ["--import", "tsx", join(ROOT, "scripts", script), ...args],
      { cwd: ROOT, env: wranglerEnv(env) },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Reads the local D1 state with wrangler (a constant query: wrangler takes no parameters). */
async function sql(query: string) {
  const out = await exec(
    join(ROOT, "node_modules/.bin/wrangler"),
    [
      "d1",
      "execute",
      "DB",
      "--local",
      "-c",
      "wrangler.toml",
      "--persist-to",
      persistTo,
      "--json",
    ].concat(["--command", query]),
    { cwd: ROOT, env: wranglerEnv() },
  );
  return JSON.parse(out.stdout)[0].results as Record<string, unknown>[];
}

beforeAll(async () => {
  await applyMigrations({ persistTo });
}, 120_000);

afterAll(() => rmSync(persistTo, { recursive: true, force: true }));

describe("seed", () => {
  it("creates the demo operator, tenant and owner once; a second run changes nothing", async () => {
    const first = await seedDemo({ persistTo, appUrl: "http://localhost:9999" });
    expect(first.tenant).toMatchObject({ slug: "demo", name: "Demo University" });
    expect(first.created).toEqual({ operator: true, owner: true, tenant: true });
    const counts =
      "select (select count(*) from users) u, (select count(*) from memberships) m, (select count(*) from audit_events) a";
    const before = await sql(counts);
    const second = await seedDemo({ persistTo, appUrl: "http://localhost:9999" });
    expect(second.tenant.id).toBe(first.tenant.id);
    expect(second.created).toEqual({ operator: false, owner: false, tenant: false });
    expect(await sql(counts)).toEqual(before);
    const [operator] = await sql(
      "select is_operator from users where email = 'operator@lectern.local'",
    );
    expect(operator).toEqual({ is_operator: 1 });
  }, 120_000);
});

describe("tenant:create", () => {
  it("creates a tenant with an owner invitation and an audit row by cli", async () => {
    const r = await cli("tenant-create.ts", [
      "--name",
      "Example College",
      "--owner-email",
      "Dean@Example.edu",
      "--persist-to",
      persistTo,
      "--app-url",
      "http://localhost:9999",
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const created = JSON.parse(r.stdout);
    expect(created.tenant).toMatchObject({ slug: "example-college", name: "Example College" });
    expect(created.ownerInvitationUrl).toMatch(/^http:\/\/localhost:9999\/invite\/[\w-]{40,}$/);
    const audit = await sql("select target_id, action, actor_email from audit_events");
    expect(audit.filter((row) => row.target_id === created.tenant.id)).toEqual([
      { target_id: created.tenant.id, action: "tenant.created", actor_email: "cli" },
    ]);
    const invitations = await sql("select tenant_id, email, role from invitations");
    expect(invitations.filter((row) => row.tenant_id === created.tenant.id)).toEqual([
      { tenant_id: created.tenant.id, email: "dean@example.edu", role: "owner" },
    ]);
  }, 60_000);

  it("refuses a taken slug with exit code 3", async () => {
    const r = await cli("tenant-create.ts", [
      ...["--name", "Other", "--owner-email", "a@example.edu", "--slug", "demo"],
      ...["--persist-to", persistTo],
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('slug "demo" exists');
  }, 60_000);

  it.each([
    [[], "--name is required"],
    [["--name", "X"], "--owner-email is required"],
    [["--name", "X", "--owner-email", "nope"], "--owner-email must be a valid email address"],
    [["--name", "X", "--owner-email", "a@b.co", "--slug", "Bad Slug"], "--slug"],
    [["--name", "X", "--owner-email", "a@b.co", "--bogus"], "unknown argument: --bogus"],
    [["--url", "https://x.example", "--name", "X", "--owner-email", "a@b.co"], "LECTERN_SESSION"],
  ])(
    "rejects bad arguments %j with exit code 2",
    async (args, message) => {
      const r = await cli("tenant-create.ts", args, { LECTERN_SESSION: "" });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    },
    30_000,
  );
});

describe("operator:create", () => {
  it("creates an operator, then leaves it alone", async () => {
    const args = ["--email", "ops@example.org", "--persist-to", persistTo, "--json"];
    const env = { LECTERN_OPERATOR_PASSWORD: "a-long-enough-password" };
    const first = await cli("operator-create.ts", args, env);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ outcome: "created", password: null });
    const again = await cli("operator-create.ts", args, env);
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: "unchanged" });
  }, 60_000);

  it("makes an existing user an operator without touching their password", async () => {
    const r = await cli("operator-create.ts", [
      ...["--email", "owner@demo.lectern.local", "--persist-to", persistTo, "--json"],
    ]);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: "promoted", password: null });
    const rows = await sql(
      "select a.action, a.actor_email from audit_events a join users u on u.id = a.target_id where u.email = 'owner@demo.lectern.local' and a.action = 'user.operator_granted'",
    );
    expect(rows).toEqual([{ action: "user.operator_granted", actor_email: "cli" }]);
  }, 60_000);

  it("--sql writes statements that wrangler d1 execute applies", async () => {
    const file = join(persistTo, "operator.sql");
    const r = await cli(
      "operator-create.ts",
      ["--email", "sql-ops@example.org", "--name", "O'Neil", "--sql", file, "--json"],
      { LECTERN_OPERATOR_PASSWORD: "it's a long passphrase" },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: "written", password: null });
    await exec(
      join(ROOT, "node_modules/.bin/wrangler"),
      ["d1", "execute", "DB", "--local", "-c", "wrangler.toml", "--persist-to", persistTo].concat([
        "--file",
        file,
      ]),
      { cwd: ROOT, env: wranglerEnv() },
    );
    const rows = await sql(
      "select u.name, u.is_operator, a.provider_id from users u join accounts a on a.user_id = u.id where u.email = 'sql-ops@example.org'",
    );
    expect(rows).toEqual([{ name: "O'Neil", is_operator: 1, provider_id: "credential" }]);
  }, 60_000);
});
