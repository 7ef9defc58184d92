// Creating people. Accounts come into being only through invitations (or the demo seed);
// the user row, its credential and its first membership are written in one batch.

import type { Db } from "#workers/db/client";
import { accounts, users } from "#workers/db/schema";
import type { Auth } from "./auth.ts";
import { newId } from "./ids.ts";

export async function hashPassword(auth: Auth, password: string): Promise<string> {
  const ctx = await auth.$context;
  return ctx.password.hash(password);
}

export function newUserStatements(
  db: Db,
  user: { id?: string; email: string; name: string; passwordHash: string; isOperator?: boolean },
) {
  const id = user.id ?? newId("usr");
  const now = new Date();
  return {
    id,
    statements: [
      db.insert(users).values({
        id,
        email: user.email,
        name: user.name,
        emailVerified: true,
        isOperator: user.isOperator ?? false,
        createdAt: now,
        updatedAt: now,
      }),
      db.insert(accounts).values({
        id: newId("acc"),
        accountId: id,
        providerId: "credential",
        userId: id,
        password: user.passwordHash,
        createdAt: now,
        updatedAt: now,
      }),
    ] as const,
  };
}

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function invitationUrl(appUrl: string, secret: string) {
  return new URL(`/invite/${secret}`, appUrl).toString();
}

/** `wanted`, or `wanted-2`, `wanted-3`… whichever `isTaken` says is free first. */
export async function firstFreeSlug(
  wanted: string,
  isTaken: (slug: string) => Promise<boolean>,
): Promise<string> {
  let candidate = wanted;
  for (let n = 2; await isTaken(candidate); n++) {
    candidate = `${wanted.slice(0, 58)}-${n}`;
  }
  return candidate;
}

export function slugify(name: string): string {
  const s = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/g, "");
  return s.length >= 2 ? s : `tenant-${s || "x"}`;
}
