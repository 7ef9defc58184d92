import { type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/** `%q%` with LIKE's wildcards in the user's text escaped, so "100%_" means just that. */
function likePattern(q: string) {
  return `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

/** Case-insensitive (ASCII) substring match of a column or expression against user text. */
export function contains(col: SQLiteColumn | SQL, q: string): SQL {
  return sql`${col} LIKE ${likePattern(q)} ESCAPE '\\'`;
}
