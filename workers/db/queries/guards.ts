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

/** Whether an error is a batch rolled back by expectChanged(). */
export function isGuardFailure(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 4; depth++) {
    if (/NOT NULL constraint failed: batch_guards\.must_have_changed/.test(e.message)) return true;
    e = e.cause;
  }
  return false;
}
