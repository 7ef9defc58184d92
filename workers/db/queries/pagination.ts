import { ApiError } from "#workers/api/errors";
import { fromBase64Url, toBase64Url } from "#workers/domain/ids";

const ID = /^[a-z]+_[0-9A-Z]{26}$/;

function invalidCursor() {
  return new ApiError("VALIDATION_FAILED", "The cursor is not valid", {
    errors: [{ field: "cursor", message: "is not a cursor this API issued" }],
  });
}

/** Cursors are opaque to clients: base64url of the last item's (sortable) id. */
export function encodeCursor(id: string): string {
  return toBase64Url(id);
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  let id: string;
  try {
    id = fromBase64Url(cursor);
  } catch {
    throw invalidCursor();
  }
  if (!ID.test(id)) throw invalidCursor();
  return id;
}

/** Fetch limit+1 rows; this turns them into a page. */
export function toPage<T extends { id: string }>(rows: T[], limit: number) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}

/** A keyset cursor for lists sorted by something other than id: the sort value and the id. */
export function encodeKeyCursor(key: string | number, id: string): string {
  return toBase64Url(JSON.stringify([key, id]));
}

export function decodeKeyCursor(
  cursor: string | undefined,
): { key: string | number; id: string } | undefined {
  if (cursor === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(fromBase64Url(cursor));
  } catch {
    throw invalidCursor();
  }
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    (typeof value[0] === "string" || typeof value[0] === "number") &&
    typeof value[1] === "string" &&
    ID.test(value[1])
  ) {
    return { key: value[0], id: value[1] };
  }
  throw invalidCursor();
}
