import { z } from "zod";
import { cursorQuery, displayName, isoDateTime } from "./common.ts";
import { siteRole } from "./roles.ts";
import { slug } from "./tenants.ts";

export const createSiteBody = z.strictObject({
  title: z.string().trim().min(1).max(200),
  /** Derived from the title when left out. */
  slug: slug.optional(),
  starterId: z.string().min(1).max(64),
  /** The member who administers the site; defaults to whoever creates it. */
  ownerUserId: z.string().min(1).max(64).optional(),
});
export type CreateSiteBody = z.infer<typeof createSiteBody>;

export const updateSiteBody = z
  .strictObject({
    title: z.string().trim().min(1).max(200).optional(),
    slug: slug.optional(),
  })
  .refine((b) => b.title !== undefined || b.slug !== undefined, { message: "give title or slug" });

export const publishState = z.object({
  contentVersion: z.number().int(),
  previewVersion: z.number().int().nullable(),
  liveVersion: z.number().int().nullable(),
  /** Unpublished changes per target. */
  previewChanges: z.boolean(),
  liveChanges: z.boolean(),
});

export const site = z
  .object({
    id: z.string(),
    slug: z.string(),
    title: z.string(),
    starter: z.object({
      id: z.string(),
      slug: z.string(),
      name: z.string(),
      version: z.number().int(),
    }),
    ownerUserId: z.string().nullable(),
    archived: z.boolean(),
    publish: publishState,
    /** The caller's effective role on this site. */
    role: siteRole,
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: "Site" });
export type Site = z.infer<typeof site>;

export const siteListQuery = cursorQuery.extend({
  q: z.string().trim().max(200).optional().meta({ description: "Search in title and slug" }),
  starter: z.string().max(64).optional().meta({ description: "Starter id or slug" }),
  published: z.enum(["any", "live", "preview", "never"]).default("any"),
  archived: z.enum(["exclude", "only", "include"]).default("exclude"),
  sort: z.enum(["-updated", "updated", "title", "-title"]).default("-updated"),
});
export type SiteListQuery = z.infer<typeof siteListQuery>;

export const collaborator = z
  .object({
    id: z.string(),
    userId: z.string(),
    email: z.string(),
    name: z.string(),
    role: siteRole,
    createdAt: isoDateTime,
  })
  .meta({ id: "Collaborator" });

export const addCollaboratorBody = z.strictObject({
  userId: z.string().min(1).max(64),
  role: siteRole,
});
export const updateCollaboratorBody = z.strictObject({ role: siteRole });

/** The starter version a site was made with (sites keep it when the starter gets new versions). */
export const siteStarter = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    version: z.number().int(),
    config: z.record(z.string(), z.unknown()).meta({
      description: "The parsed starter in OCW Studio's site config format (schemas/starter.ts)",
    }),
  })
  .meta({ id: "SiteStarter" });

export { displayName };
