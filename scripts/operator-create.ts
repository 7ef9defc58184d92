// Create a platform operator (or make an existing user one). This is how a new deployment gets
// its first operator: nobody can sign in before one exists, and accounts are otherwise made
// only by invitation.
//
//   npm run operator:create -- --email ops@example.org [--name "Ops"] [--remote]
//
// Local (default): the local D1 state `npm start` uses (or --persist-to DIR).
// --sql FILE: touch no database; write the INSERT statements (user, credential, audit row) to
// FILE for `wrangler d1 execute DB --remote -c wrangler.toml --file FILE`. For a new email only.
// --remote: the deployed D1 database named in wrangler.toml, through wrangler's remote
// bindings (run `wrangler login` first).
// Either way the password is hashed on this machine; only the hash leaves it.
//
// The password comes from LECTERN_OPERATOR_PASSWORD, or a random one is generated and printed
// once. An existing user keeps their password. Running it again changes nothing.
//
// Exit codes: 0 done, 1 unexpected failure, 2 bad arguments.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { displayName, email as emailSchema } from "#schemas/common";
import { createDb } from "#workers/db/client";
import { getUserByEmail } from "#workers/db/queries/users";
import { users } from "#workers/db/schema";
import { hashPassword, newUserStatements } from "#workers/domain/accounts";
import {
  cliAudit,
  createUser,
  openPlatform,
  parseArgs,
  UsageError,
  usageError,
} from "./lib/platform.ts";

const USAGE = `Usage: [LECTERN_OPERATOR_PASSWORD=…] npm run operator:create -- --email EMAIL [--name NAME]
         [--remote | --persist-to DIR | --sql FILE] [--json]`;

/**
 * One statement as literal SQL, for a file that `wrangler d1 execute --file` runs (it takes
 * no parameters). Values come from drizzle's own parameter list, quoted as SQLite literals.
 */
export function inlineSql(query: { sql: string; params: unknown[] }): string {
  let i = 0;
  let out = "";
  let quoted = false;
  for (const ch of query.sql) {
    if (ch === "'") quoted = !quoted;
    if (ch !== "?" || quoted) {
      out += ch;
      continue;
    }
    const value = query.params[i++];
    if (value === null || value === undefined) out += "NULL";
    else if (typeof value === "number" && Number.isFinite(value)) out += String(value);
    else if (typeof value === "string") out += `'${value.replaceAll("'", "''")}'`;
    else throw new Error(`cannot write ${typeof value} as SQL`);
  }
  if (i !== query.params.length) throw new Error("parameter count mismatch");
  return `${out};`;
}

/** The new operator as a SQL file; no database is opened. */
async function writeSqlFile(
  file: string,
  user: { email: string; name: string; password: string },
): Promise<string> {
  const { getAuth } = await import("#workers/domain/auth");
  // Statements are only built (toSQL), never run, so the D1 handle is never used; better-auth
  // needs a valid config to hash, not the deployment's secret (password hashes are unkeyed).
  const db = createDb({} as D1Database);
  const env = { APP_URL: "http://localhost", AUTH_SECRET: randomBytes(32).toString("hex") };
  const auth = getAuth(env as unknown as Env, db);
  const { id, statements } = newUserStatements(db, {
    ...user,
    isOperator: true,
    passwordHash: await hashPassword(auth, user.password),
  });
  const audit = cliAudit(db)({
    tenantId: null,
    action: "user.created",
    targetType: "user",
    targetId: id,
    data: { email: user.email, isOperator: true },
  });
  const lines = [...statements, audit].map((s) => inlineSql(s.toSQL()));
  writeFileSync(
    file,
    `-- Lectern platform operator ${user.email}, written by scripts/operator-create.ts.\n${lines.join("\n")}\n`,
    { mode: 0o600 },
  );
  return id;
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return;
  }
  const args = parseArgs(argv, {
    values: ["email", "name", "persist-to", "sql"],
    booleans: ["remote", "json"],
  });
  if (!args.email) usageError("--email is required");
  const email = emailSchema.safeParse(args.email);
  if (!email.success) usageError(`--email ${email.error.issues[0]?.message ?? "is not valid"}`);
  const name = displayName.safeParse(args.name ?? "Platform operator");
  if (!name.success) usageError(`--name ${name.error.issues[0]?.message ?? "is not valid"}`);
  if ([args.remote, args["persist-to"], args.sql].filter(Boolean).length > 1) {
    usageError("choose one of --remote, --persist-to and --sql");
  }
  const given = process.env.LECTERN_OPERATOR_PASSWORD;
  if (given !== undefined && (given.length < 12 || given.length > 128)) {
    usageError("LECTERN_OPERATOR_PASSWORD must be 12 to 128 characters");
  }
  const password = given ?? randomBytes(18).toString("base64url");

  if (args.sql) {
    const userId = await writeSqlFile(args.sql, { email: email.data, name: name.data, password });
    const shown = given === undefined ? password : null;
    if (args.json) {
      console.log(
        JSON.stringify({ userId, email: email.data, outcome: "written", password: shown }),
      );
      return;
    }
    console.log(`Wrote operator ${email.data} (${userId}) to ${args.sql}. Apply it with:`);
    console.log(`  npx wrangler d1 execute DB --remote -c wrangler.toml --file ${args.sql}`);
    if (shown) console.log(`Password (shown once; change it after signing in): ${shown}`);
    console.log("The file holds a password hash: delete it once applied.");
    return;
  }

  const p = await openPlatform({ persistTo: args["persist-to"], remote: args.remote });
  try {
    const existing = await getUserByEmail(p.db, email.data);
    let outcome: "created" | "promoted" | "unchanged";
    let userId: string;
    if (!existing) {
      userId = await createUser(p, {
        email: email.data,
        name: name.data,
        password,
        isOperator: true,
      });
      outcome = "created";
    } else if (existing.isOperator) {
      userId = existing.id;
      outcome = "unchanged";
    } else {
      userId = existing.id;
      await p.db.batch([
        p.db
          .update(users)
          .set({ isOperator: true, updatedAt: new Date() })
          .where(eq(users.id, existing.id)),
        cliAudit(p.db)({
          tenantId: null,
          action: "user.operator_granted",
          targetType: "user",
          targetId: existing.id,
        }),
      ]);
      outcome = "promoted";
    }
    const shownPassword = outcome === "created" && given === undefined ? password : null;
    if (args.json) {
      console.log(JSON.stringify({ userId, email: email.data, outcome, password: shownPassword }));
      return;
    }
    const where = args.remote ? "the deployed database" : "the local database";
    if (outcome === "unchanged") console.log(`${email.data} is already an operator in ${where}.`);
    if (outcome === "promoted") {
      console.log(`${email.data} is now an operator in ${where} (password unchanged).`);
    }
    if (outcome === "created") {
      console.log(`Created operator ${email.data} (${userId}) in ${where}.`);
      if (shownPassword) {
        console.log(`Password (shown once; change it after signing in): ${shownPassword}`);
      }
    }
  } finally {
    await p.dispose();
  }
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(`operator:create: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
