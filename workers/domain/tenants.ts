// Creating a tenant with its first owner; shared by the operator API and the CLI.
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "#workers/db/client";
import { insertInvitation } from "#workers/db/queries/invitations";
import { insertMembership } from "#workers/db/queries/members";
import { getTenantBySlug, insertTenant } from "#workers/db/queries/tenants";
import { getUserByEmail } from "#workers/db/queries/users";
import { firstFreeSlug, INVITATION_TTL_MS, invitationUrl, slugify } from "./accounts.ts";
import type { AuditInput } from "./audit.ts";
import { newId, randomSecret, sha256Hex } from "./ids.ts";

export async function createTenantWithOwner(
  db: Db,
  input: {
    name: string;
    slug?: string | undefined;
    ownerEmail: string;
    appUrl: string;
    audit: (event: AuditInput) => BatchItem<"sqlite">;
  },
) {
  const now = new Date();
  const tenant = {
    id: newId("ten"),
    slug:
      input.slug ??
      (await firstFreeSlug(slugify(input.name), async (slug) =>
        Boolean(await getTenantBySlug(db, slug)),
      )),
    name: input.name,
    createdAt: now,
  };
  const owner = await getUserByEmail(db, input.ownerEmail);
  let ownerInvitationUrl: string | null = null;
  const statements: BatchItem<"sqlite">[] = [insertTenant(db, tenant)];
  if (owner) {
    statements.push(
      insertMembership(db, {
        id: newId("mem"),
        tenantId: tenant.id,
        userId: owner.id,
        role: "owner",
      }),
    );
  } else {
    const secret = randomSecret();
    ownerInvitationUrl = invitationUrl(input.appUrl, secret);
    statements.push(
      insertInvitation(db, {
        id: newId("inv"),
        tenantId: tenant.id,
        email: input.ownerEmail,
        role: "owner",
        tokenHash: await sha256Hex(secret),
        invitedBy: null,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      }),
    );
  }
  statements.push(
    input.audit({
      tenantId: tenant.id,
      action: "tenant.created",
      targetType: "tenant",
      targetId: tenant.id,
      data: { name: tenant.name, slug: tenant.slug, ownerEmail: input.ownerEmail },
    }),
  );
  await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  return { tenant, ownerInvitationUrl };
}
