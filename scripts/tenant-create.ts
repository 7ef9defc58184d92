// Create a tenant with its first owner, from the command line.
//
//   npm run tenant:create -- --name "Example College" --owner-email dean@example.edu [--slug example]
//
// Local (default): writes to the local D1 state that `npm start` uses (.wrangler/state, or
// --persist-to DIR) through the same domain function as the operator API, with an audit row
// whose actor is "cli". Run it while `npm start` is running or not; both open the same files.
//
// Remote: --url https://lectern.example.org calls POST /api/v1/operator/tenants on a running
// deployment. That endpoint needs a platform operator's session: sign in as the operator and
// put the value of the __Host-lectern_session cookie in the LECTERN_SESSION variable.
//
// Exit codes: 0 created, 1 unexpected failure, 2 bad arguments, 3 refused (slug taken,
// not signed in, not an operator, validation failed on the server).
import type { z } from "zod";
import { createTenantBody } from "#schemas/tenants";
import { getTenantBySlug } from "#workers/db/queries/tenants";
import { createTenantWithOwner } from "#workers/domain/tenants";
import { cliAudit, openPlatform, parseArgs, UsageError, usageError } from "./lib/platform.ts";

const USAGE = `Usage: npm run tenant:create -- --name NAME --owner-email EMAIL [--slug SLUG]
         [--persist-to DIR] [--app-url URL] [--json]
       LECTERN_SESSION=<operator session cookie> npm run tenant:create -- --url BASE_URL --name NAME --owner-email EMAIL [--slug SLUG] [--json]`;

class Refused extends Error {}

type Created = {
  tenant: { id: string; slug: string; name: string };
  ownerInvitationUrl: string | null;
};

async function createLocally(
  body: z.infer<typeof createTenantBody>,
  opts: { persistTo?: string | undefined; appUrl?: string | undefined },
): Promise<Created> {
  const p = await openPlatform(opts);
  try {
    if (body.slug && (await getTenantBySlug(p.db, body.slug))) {
      throw new Refused(`A tenant with the slug "${body.slug}" exists`);
    }
    const { tenant, ownerInvitationUrl } = await createTenantWithOwner(p.db, {
      ...body,
      appUrl: p.env.APP_URL,
      audit: cliAudit(p.db),
    });
    return { tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name }, ownerInvitationUrl };
  } finally {
    await p.dispose();
  }
}

// The Worker's cookie name (workers/domain/auth.ts), not imported from there: that module
// loads better-auth, which remote mode does not need.
const SESSION_COOKIE = "__Host-lectern_session";

async function createRemotely(
  body: z.infer<typeof createTenantBody>,
  base: string,
): Promise<Created> {
  const session = process.env.LECTERN_SESSION?.trim();
  if (!session) {
    usageError(
      `--url needs the operator's session: set LECTERN_SESSION to the value of the ${SESSION_COOKIE} cookie`,
    );
  }
  const origin = new URL(base).origin;
  const res = await fetch(new URL("/api/v1/operator/tenants", origin), {
    method: "POST",
    headers: {
      "content-type": "application/json",
      origin,
      "x-lectern-csrf": "1",
      cookie: `${SESSION_COOKIE}=${session}`,
    },
    body: JSON.stringify(body),
    redirect: "manual",
  });
  const text = await res.text();
  if (res.status === 201) return JSON.parse(text) as Created;
  let detail = text.slice(0, 500);
  try {
    const problem = JSON.parse(text) as {
      detail?: string;
      title?: string;
      errors?: { field: string; message: string }[];
    };
    detail = [
      problem.detail ?? problem.title,
      ...(problem.errors ?? []).map((e) => `${e.field} ${e.message}`),
    ]
      .filter(Boolean)
      .join("; ");
  } catch {
    // Not problem+json (a proxy page?); show the start of it.
  }
  const message = `${origin} answered ${res.status}: ${detail}`;
  if (res.status >= 400 && res.status < 500) throw new Refused(message);
  throw new Error(message);
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return;
  }
  const args = parseArgs(argv, {
    values: ["name", "owner-email", "slug", "url", "persist-to", "app-url"],
    booleans: ["json"],
  });
  if (!args.name) usageError("--name is required");
  if (!args["owner-email"]) usageError("--owner-email is required");
  if (args.url && (args["persist-to"] || args["app-url"])) {
    usageError("--persist-to and --app-url are for local mode; with --url the server decides");
  }
  if (args.url && !URL.canParse(args.url)) usageError(`--url is not a URL: ${args.url}`);
  const parsed = createTenantBody.safeParse({
    name: args.name,
    ownerEmail: args["owner-email"],
    ...(args.slug !== undefined ? { slug: args.slug } : {}),
  });
  if (!parsed.success) {
    const flags: Record<string, string> = {
      name: "--name",
      ownerEmail: "--owner-email",
      slug: "--slug",
    };
    usageError(
      parsed.error.issues
        .map((i) => `${flags[String(i.path[0])] ?? i.path.join(".")} ${i.message}`)
        .join("; "),
    );
  }
  const created = args.url
    ? await createRemotely(parsed.data, args.url)
    : await createLocally(parsed.data, { persistTo: args["persist-to"], appUrl: args["app-url"] });
  if (args.json) {
    console.log(JSON.stringify(created));
    return;
  }
  console.log(
    `Created tenant ${created.tenant.name} (/${created.tenant.slug}): ${created.tenant.id}`,
  );
  console.log(
    created.ownerInvitationUrl
      ? `Owner invitation (send it to ${parsed.data.ownerEmail}; works once, for 7 days):\n  ${created.ownerInvitationUrl}`
      : `${parsed.data.ownerEmail} already had an account and is now the owner.`,
  );
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(`tenant:create: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (err instanceof Refused) {
    console.error(`tenant:create: ${err.message}`);
    process.exit(3);
  }
  console.error(err);
  process.exit(1);
});
