// Shared building blocks for the API contracts. Runtime-neutral: zod only.
import { z } from "zod";

export const isoDateTime = z.iso.datetime().meta({ example: "2026-11-23T12:00:00.000Z" });

export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: "must be a valid email address" }));

export const password = z
  .string()
  .min(12, { message: "must be at least 12 characters" })
  .max(128, { message: "must be at most 128 characters" });

export const displayName = z.string().trim().min(1).max(120);

export const prefixedId = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`), {
    message: `must be a ${prefix}_ identifier`,
  });

export const cursorQuery = z.strictObject({
  cursor: z.string().max(200).optional().meta({ description: "Opaque cursor from nextCursor" }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type CursorQuery = z.infer<typeof cursorQuery>;

export function page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable(),
  });
}

/** RFC 9457 problem details, as every error response carries. */
export const problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    code: z.string().meta({ example: "VALIDATION_FAILED" }),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .meta({ description: "Field errors, one per invalid field (dotted path)" }),
  })
  .meta({ id: "Problem" });
export type Problem = z.infer<typeof problem>;

export const ok = z.object({ ok: z.literal(true) });
