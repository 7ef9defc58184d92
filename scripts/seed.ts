// The demo data for local mode: a platform operator and the tenant "Demo University" with its
// owner. Idempotent: whatever already exists is left alone, so a second run changes nothing.
//
//   node --import tsx scripts/seed.ts [--persist-to .wrangler/state] [--app-url URL] [--json]
import { and, eq } from "drizzle-orm";
import { insertMembership } from "#workers/db/queries/members";
import { getTenantBySlug } from "#workers/db/queries/tenants";
import { getUserByEmail } from "#workers/db/queries/users";
import { memberships } from "#workers/db/schema";
import { newId } from "#workers/domain/ids";
import { createTenantWithOwner } from "#workers/domain/tenants";
import {
  cliAudit,
  createUser,
  openPlatform,
  type Platform,
  parseArgs,
  UsageError,
} from "./lib/platform.ts";

export const DEMO = {
  password: "lectern-demo-password",
  operator: { email: "operator@lectern.local", name: "Demo Operator" },
  owner: { email: "owner@demo.lectern.local", name: "Demo Owner" },
  tenant: { name: "Demo University", slug: "demo" },
} as const;

async function ensureUser(
  p: Platform,
  who: { email: string; name: string; isOperator: boolean },
): Promise<{ id: string; created: boolean }> {
  const existing = await getUserByEmail(p.db, who.email);
  if (existing) return { id: existing.id, created: false };
  return { id: await createUser(p, { ...who, password: DEMO.password }), created: true };
}

export async function seed(p: Platform) {
  const operator = await ensureUser(p, { ...DEMO.operator, isOperator: true });
  const owner = await ensureUser(p, { ...DEMO.owner, isOperator: false });

  let tenant = await getTenantBySlug(p.db, DEMO.tenant.slug);
  let tenantCreated = false;
  if (!tenant) {
    // The owner exists, so this adds a membership rather than an invitation.
    const created = await createTenantWithOwner(p.db, {
      ...DEMO.tenant,
      ownerEmail: DEMO.owner.email,
      appUrl: p.env.APP_URL,
      audit: cliAudit(p.db),
    });
    tenant = {
      ...created.tenant,
      updatedAt: created.tenant.createdAt,
      mediaMaxFileBytes: null,
      mediaQuotaBytes: null,
    };
    tenantCreated = true;
  } else {
    const membership = await p.db.query.memberships.findFirst({
      where: and(eq(memberships.tenantId, tenant.id), eq(memberships.userId, owner.id)),
    });
    if (!membership) {
      await insertMembership(p.db, {
        id: newId("mem"),
        tenantId: tenant.id,
        userId: owner.id,
        role: "owner",
      }).run();
    }
  }
  return {
    operator: { email: DEMO.operator.email, password: DEMO.password },
    owner: { email: DEMO.owner.email, password: DEMO.password },
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name },
    created: { operator: operator.created, owner: owner.created, tenant: tenantCreated },
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2), {
    values: ["persist-to", "app-url"],
    booleans: ["json"],
  });
  const platform = await openPlatform({ persistTo: args["persist-to"], appUrl: args["app-url"] });
  try {
    const result = await seed(platform);
    if (args.json) {
      console.log(JSON.stringify(result));
    } else {
      const made = Object.entries(result.created)
        .filter(([, v]) => v)
        .map(([k]) => k);
      console.log(made.length ? `Seeded: ${made.join(", ")}.` : "Demo data already present.");
      console.log(`Operator: ${result.operator.email} / ${DEMO.password}`);
      console.log(
        `Owner of ${result.tenant.name} (/${result.tenant.slug}): ${result.owner.email} / ${DEMO.password}`,
      );
    }
  } finally {
    await platform.dispose();
  }
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(`seed: ${err.message}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
