import { ApiError } from "#workers/api/errors";

/** Cursors are opaque to clients: base64url of the last item's (sortable) id. */
export function encodeCursor(id: string): string {
  return btoa(id).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const id = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    if (/^[a-z]+_[0-9A-Z]{26}$/.test(id)) return id;
  } catch {
    // fall through
  }
  throw new ApiError("VALIDATION_FAILED", "The cursor is not valid", {
    errors: [{ field: "cursor", message: "is not a cursor this API issued" }],
  });
}

/** Fetch limit+1 rows; this turns them into a page. */
export function toPage<T extends { id: string }>(rows: T[], limit: number) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}

/** A keyset cursor for lists sorted by something other than id: the sort value and the id. */
export function encodeKeyCursor(key: string | number, id: string): string {
  return btoa(JSON.stringify([key, id]))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replaceAll("=", "");
}

export function decodeKeyCursor(
  cursor: string | undefined,
): { key: string | number; id: string } | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/")));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      (typeof value[0] === "string" || typeof value[0] === "number") &&
      typeof value[1] === "string" &&
      /^[a-z]+_[0-9A-Z]{26}$/.test(value[1])
    ) {
      return { key: value[0], id: value[1] };
    }
  } catch {
    // fall through
  }
  throw new ApiError("VALIDATION_FAILED", "The cursor is not valid", {
    errors: [{ field: "cursor", message: "is not a cursor this API issued" }],
  });
}
