import { eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { sessions, users } from "../schema.ts";

// Users are global (one person may belong to several tenants); tenant-scoped reads of users
// go through memberships in members.ts.

export async function getUserByEmail(db: Db, email: string) {
  return db.query.users.findFirst({ where: eq(users.email, email) });
}

export async function getUserById(db: Db, id: string) {
  return db.query.users.findFirst({ where: eq(users.id, id) });
}

export function deleteSessionsOfUser(db: Db, userId: string) {
  return db.delete(sessions).where(eq(sessions.userId, userId));
}

export function deleteSession(db: Db, sessionId: string) {
  return db.delete(sessions).where(eq(sessions.id, sessionId));
}
