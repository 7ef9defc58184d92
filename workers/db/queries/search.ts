import { type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/**
 * Case-insensitive (ASCII, like LIKE) substring match of a column against user text. `instr`
 * rather than LIKE: D1 refuses LIKE patterns over 50 bytes, and the text needs no escaping.
 */
export function contains(col: SQLiteColumn | SQL, q: string): SQL {
  return sql`instr(lower(${col}), lower(${q})) > 0`;
}
