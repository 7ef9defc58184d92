import { sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { rateLimits } from "../schema.ts";

/**
 * Counts one hit against `key` in a fixed window and returns the count so far in that window.
 * One statement (an upsert), so concurrent requests cannot lose counts.
 */
export async function hitRateLimit(db: Db, key: string, windowSeconds: number, now = Date.now()) {
  const windowStart = Math.floor(now / 1000 / windowSeconds) * windowSeconds;
  const [row] = await db
    .insert(rateLimits)
    .values({ key, windowStart, count: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`CASE WHEN ${rateLimits.windowStart} = ${windowStart} THEN ${rateLimits.count} + 1 ELSE 1 END`,
        windowStart,
      },
    })
    .returning({ count: rateLimits.count });
  return row?.count ?? 1;
}

export async function peekRateLimit(db: Db, key: string, windowSeconds: number, now = Date.now()) {
  const windowStart = Math.floor(now / 1000 / windowSeconds) * windowSeconds;
  const row = await db.query.rateLimits.findFirst({
    where: (t, { eq, and }) => and(eq(t.key, key), eq(t.windowStart, windowStart)),
  });
  return row?.count ?? 0;
}

export function clearRateLimit(db: Db, key: string) {
  return db.delete(rateLimits).where(sql`${rateLimits.key} = ${key}`);
}
