// A deploy as stored in R2 SITES: the builder uploads each distinct file once, under its
// SHA-256 (`blobs/<hash>`), then one manifest per deploy (`deploys/<deployId>.json`) that maps
// every path of the built site to its blob. Delivery reads the manifest, never lists blobs.
//
// Decisions:
// - The manifest holds nothing that varies between two builds of the same output (no time, no
//   builder id): the same files give the same bytes, so a rebuild is visibly a no-op. When and
//   by whom a deploy was made is recorded in D1.
// - The content type is per path, not per blob: two paths may share a blob but not a type
//   (`a.txt` and `a.csv` with the same bytes).
// - Paths are relative, "/"-separated, without "." or ".." segments or control characters, so a
//   manifest cannot name anything outside its site whatever wrote it.
import { z } from "zod";
import { prefixedId } from "./common.ts";

export const deployId = prefixedId("dep");
export type DeployId = z.infer<typeof deployId>;

export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, {
  message: "must be a lowercase hex SHA-256",
});

export const deployPath = z
  .string()
  .min(1)
  .max(1024)
  .refine(
    (path) =>
      !/\p{Cc}/u.test(path) &&
      path.split("/").every((segment) => segment !== "" && segment !== "." && segment !== ".."),
    { message: 'must be a relative path without empty, "." or ".." segments' },
  );

export const deployFile = z.strictObject({
  hash: sha256Hex,
  size: z.number().int().min(0),
  contentType: z.string().min(1).max(200),
});
export type DeployFile = z.infer<typeof deployFile>;

/**
 * An uploaded file the site links to (a resource's PDF, image or video), served from R2 MEDIA
 * where it already is: referenced by every deploy that links to it, never copied into SITES.
 */
export const deployMedia = z.strictObject({
  /** Its R2 MEDIA key; delivery serves only keys under the site's own prefix. */
  key: z.string().min(1).max(1024),
  size: z.number().int().min(0),
  contentType: z.string().min(1).max(200),
  /** The MEDIA object's etag when the deploy was made: a replaced file gets a new ETag. */
  etag: z.string().min(1).max(200),
});
export type DeployMedia = z.infer<typeof deployMedia>;

export const deployManifest = z.strictObject({
  version: z.literal(1),
  deployId,
  /** Path → blob, in the builder's (sorted) walk order. */
  files: z.record(deployPath, deployFile),
  /** Path → uploaded media, for paths the built files do not have. */
  media: z.record(deployPath, deployMedia).optional(),
});
export type DeployManifest = z.infer<typeof deployManifest>;

/** R2 SITES key of a blob. */
export function blobKey(hash: string): string {
  return `blobs/${hash}`;
}

/** R2 SITES key of a deploy's manifest. */
export function deployManifestKey(id: DeployId): string {
  return `deploys/${id}.json`;
}

/** R2 MEDIA prefix under which a site's uploaded files live (`…/files/<uid>/<name>`). */
export function siteMediaPrefix(tenantId: string, siteId: string): string {
  return `t/${tenantId}/s/${siteId}/`;
}

/** R2 MEDIA key of a resource's file. */
export function resourceMediaKey(tenantId: string, siteId: string, uid: string, name: string) {
  return `${siteMediaPrefix(tenantId, siteId)}files/${uid}/${name}`;
}

/** What the builder reads to link a site's media: its stored resource files, page by page. */
export const siteMediaPage = z.object({
  items: z.array(
    z.object({
      /** The resource's uid. */
      uid: z.string(),
      key: z.string(),
      size: z.number().int().min(0),
      etag: z.string(),
    }),
  ),
  /** Pass as `?cursor=` for the next page; null at the end. */
  cursor: z.string().nullable(),
});
export type SiteMediaPage = z.infer<typeof siteMediaPage>;
