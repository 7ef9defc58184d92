// API contracts for starters (the site configs themselves are in starter.ts).
import { z } from "zod";
import { isoDateTime } from "./common.ts";
import { slug } from "./tenants.ts";

const yamlSource = z
  .string()
  .min(1)
  .max(512 * 1024)
  .meta({ description: "The starter as YAML, in OCW Studio's site config format" });

export const createStarterBody = z.strictObject({
  slug,
  name: z.string().trim().min(1).max(120),
  source: yamlSource,
});
export type CreateStarterBody = z.infer<typeof createStarterBody>;

export const createStarterVersionBody = z.strictObject({ source: yamlSource });

export const updateStarterBody = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    status: z.enum(["active", "inactive"]).optional(),
  })
  .refine((b) => b.name !== undefined || b.status !== undefined, {
    message: "give name or status",
  });

export const starter = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    builtIn: z.boolean(),
    status: z.enum(["active", "inactive"]),
    currentVersion: z.number().int(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: "Starter" });
export type Starter = z.infer<typeof starter>;

export const starterVersion = z
  .object({
    id: z.string(),
    version: z.number().int(),
    createdBy: z.string().nullable(),
    createdAt: isoDateTime,
  })
  .meta({ id: "StarterVersion" });

export const starterDetail = starter
  .extend({
    // Recursive (fields nest in object fields), which the OpenAPI generator cannot walk; the
    // shape is `starterConfig` in schemas/starter.ts.
    config: z.record(z.string(), z.unknown()).meta({
      description: "The parsed starter in OCW Studio's site config format (schemas/starter.ts)",
    }),
    source: z.string(),
  })
  .meta({ id: "StarterDetail" });

export const starterListQuery = z.strictObject({
  status: z.enum(["active", "inactive", "all"]).default("active"),
});
