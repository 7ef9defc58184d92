import { sql } from "drizzle-orm";
import type { Db } from "../client.ts";

/**
 * Put right after a conditional write in a `db.batch([...])`: if that write changed no row
 * (its condition no longer held when it ran), the batch fails and nothing in it is kept.
 * D1 runs a batch as one transaction, statement after statement, so `changes()` here is the
 * row count of the statement just before.
 */
export function expectChanged(db: Db) {
  return db.run(sql`INSERT INTO batch_guards (must_have_changed) SELECT NULL WHERE changes() = 0`);
}

/** Whether an error, or one it wraps (D1 and drizzle nest them in `cause`), matches. */
export function errorMatches(err: unknown, pattern: RegExp): boolean {
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 4; depth++) {
    if (pattern.test(e.message)) return true;
    e = e.cause;
  }
  return false;
}

/** Whether an error is a batch rolled back by expectChanged(). */
export function isGuardFailure(err: unknown): boolean {
  return errorMatches(err, /NOT NULL constraint failed: batch_guards\.must_have_changed/);
}

/** Whether an error is a unique index refusing a second row (two requests raced to create). */
export function isUniqueViolation(err: unknown): boolean {
  return errorMatches(err, /UNIQUE constraint failed/i);
}
