// Import an OCW course export (zip or tar.gz of a Hugo content tree) into a new site. The upload
// is staged in R2 as it arrives (never held in memory), read back as an archive with limits
// (entries, sizes, ratio, paths), planned and validated as a whole, and then written in one D1
// batch: every item or none, and no site when anything fails.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { type ImportReport, importQuery, importReport } from "#schemas/content";
import { resourceMediaKey } from "#schemas/deploy";
import { site } from "#schemas/sites";
import { bulkInsertImported, rawBatch } from "#workers/db/queries/content";
import { getSiteView } from "#workers/db/queries/sites";
import {
  ArchiveError,
  type ArchiveKind,
  DEFAULT_IMPORT_LIMITS,
  openZip,
  r2Source,
  readTar,
  SNIFF_BYTES,
  sniffArchive,
  type ZipEntry,
} from "#workers/domain/archive/index";
import { auditStatement } from "#workers/domain/audit";
import { resourcetypeOf } from "#workers/domain/content";
import { newId } from "#workers/domain/ids";
import { type ImportFile, planOcwImport } from "#workers/domain/ocw-import";
import type { AppContext, AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { defineRoute, jsonResponse, principalOf, tenantOf } from "../route.ts";
import { planSite, resolveStarter, siteView } from "./sites.ts";

/** Largest archive accepted (media included). */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;
/** Content files (markdown, JSON, YAML) are read into memory; each is bounded. */
const MAX_CONTENT_FILE_BYTES = 1024 * 1024;
const MAX_CONTENT_TOTAL_BYTES = 64 * 1024 * 1024;
const CONTENT_FILE = /(^|\/)(content\/.+\.md|data\/[^/]+\.json|config\/_default\/[^/]+\.ya?ml)$/i;

const importRoute = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/sites/import",
  permission: "sites:create",
  tags: ["Sites"],
  summary: "Import an OCW course export (zip or tar.gz) into a new site",
  request: {
    params: z.object({ tenantId: z.string() }),
    query: importQuery,
    body: {
      required: true,
      description: "The archive, as the raw body (Content-Length required)",
      content: {
        "application/zip": { schema: { type: "string", format: "binary" } },
        "application/gzip": { schema: { type: "string", format: "binary" } },
        "application/octet-stream": { schema: { type: "string", format: "binary" } },
      },
    },
  },
  responses: {
    201: jsonResponse(z.object({ site, report: importReport }), "Imported"),
    413: { description: "Archive too large" },
    422: { description: "Not importable; the problem's `report` lists every reason" },
  },
});

function rejected(detail: string, report: Partial<ImportReport>, field = "body") {
  const full: ImportReport = {
    files: 0,
    items: 0,
    byCollection: {},
    missingFiles: [],
    skipped: [],
    errors: [],
    ...report,
  };
  return new ApiError("UNPROCESSABLE", detail, {
    errors: full.errors.length
      ? full.errors.slice(0, 100).map((e) => ({
          field: e.field ? `${e.path}#${e.field}` : e.path,
          message: e.message,
        }))
      : [{ field, message: detail }],
    members: { report: full },
  });
}

/** Streams the request body into R2 under a staging key; returns its size. */
async function stage(c: AppContext, key: string): Promise<number> {
  const length = Number(c.req.header("content-length"));
  if (!Number.isSafeInteger(length) || length <= 0) {
    throw new ApiError("VALIDATION_FAILED", "Send the archive as the body, with Content-Length", {
      errors: [
        { field: "Content-Length", message: "is required (and the body must not be empty)" },
      ],
    });
  }
  if (length > MAX_IMPORT_BYTES) {
    throw new ApiError("PAYLOAD_TOO_LARGE", `Archives are limited to ${MAX_IMPORT_BYTES} bytes`);
  }
  const body = c.req.raw.body;
  if (!body) throw new ApiError("VALIDATION_FAILED", "The body is empty");
  const fixed = new FixedLengthStream(length);
  const [, stored] = await Promise.all([
    body.pipeTo(fixed.writable),
    c.env.MEDIA.put(key, fixed.readable),
  ]);
  if (!stored) throw new Error("staging the import failed");
  return length;
}

/** The staged upload as an archive: sniffed once; a zip's central directory read once. */
type Staged = { key: string; kind: ArchiveKind; zipEntries: ZipEntry[] | null };
type Entry = {
  path: string;
  size: number;
  bytes(): Promise<Uint8Array>;
  stream(): ReadableStream<Uint8Array>;
};

async function openStaged(c: AppContext, key: string, size: number): Promise<Staged> {
  const head = await c.env.MEDIA.get(key, { range: { offset: 0, length: SNIFF_BYTES } });
  const kind = sniffArchive(new Uint8Array(head ? await head.arrayBuffer() : new ArrayBuffer(0)));
  if (!kind) {
    throw new ArchiveError("not_archive", "The upload is not a zip, tar.gz or tar archive");
  }
  const zipEntries =
    kind === "zip"
      ? (await openZip(r2Source(c.env.MEDIA, key, size), DEFAULT_IMPORT_LIMITS)).entries
      : null;
  return { key, kind, zipEntries };
}

/** Visits every entry in order: a zip's by random access, a tar's by streaming the object. */
async function eachEntry(c: AppContext, staged: Staged, visit: (e: Entry) => Promise<void>) {
  if (staged.zipEntries) {
    for (const entry of staged.zipEntries) await visit(entry);
    return;
  }
  const object = await c.env.MEDIA.get(staged.key);
  if (!object) throw new Error("staged import vanished");
  for await (const entry of readTar(object.body, {
    gzip: staged.kind === "tar.gz",
    limits: DEFAULT_IMPORT_LIMITS,
  })) {
    await visit(entry);
  }
}

type Scan = { files: ImportFile[]; media: Set<string> };

/** Reads the archive's content files into memory and notes the paths of everything else. */
async function scan(c: AppContext, staged: Staged): Promise<Scan> {
  const files: ImportFile[] = [];
  const media = new Set<string>();
  let total = 0;
  await eachEntry(c, staged, async (entry) => {
    if (!CONTENT_FILE.test(entry.path)) {
      media.add(entry.path);
      return;
    }
    if (entry.size > MAX_CONTENT_FILE_BYTES) {
      throw new ArchiveError(
        "too_large",
        `${entry.path} is larger than ${MAX_CONTENT_FILE_BYTES} bytes`,
      );
    }
    total += entry.size;
    if (total > MAX_CONTENT_TOTAL_BYTES) {
      throw new ArchiveError("too_large", "The content files add up to more than 64 MiB");
    }
    files.push({ path: entry.path, bytes: await entry.bytes() });
  });
  return { files, media };
}

/** R2 key of a resource's file that came in the archive. */
export function importedMediaKey(tenantId: string, siteId: string, uid: string, path: string) {
  return resourceMediaKey(tenantId, siteId, uid, path.slice(path.lastIndexOf("/") + 1));
}

/** Copies the resources' files from the staged archive into MEDIA, streaming each. */
async function storeMedia(
  c: AppContext,
  staged: Staged,
  siteId: string,
  media: { uid: string; archivePath: string }[],
) {
  if (media.length === 0) return [];
  const tenantId = tenantOf(c).tenant.id;
  const wanted = new Map<string, string[]>();
  for (const m of media) wanted.set(m.archivePath, [...(wanted.get(m.archivePath) ?? []), m.uid]);
  const stored: { uid: string; path: string; key: string }[] = [];
  try {
    await eachEntry(c, staged, async (entry) => {
      // An entry streams once: the first resource that names the file gets it from the
      // archive, any other (OCW reuses files) a copy of that stored object.
      const [first, ...others] = wanted.get(entry.path) ?? [];
      if (!first) return;
      const firstKey = importedMediaKey(tenantId, siteId, first, entry.path);
      const fixed = new FixedLengthStream(entry.size);
      await Promise.all([
        entry.stream().pipeTo(fixed.writable),
        c.env.MEDIA.put(firstKey, fixed.readable),
      ]);
      stored.push({ uid: first, path: entry.path, key: firstKey });
      for (const uid of others) {
        const key = importedMediaKey(tenantId, siteId, uid, entry.path);
        const source = await c.env.MEDIA.get(firstKey);
        if (!source) throw new Error(`stored media ${firstKey} vanished during the import`);
        const copy = new FixedLengthStream(source.size);
        await Promise.all([source.body.pipeTo(copy.writable), c.env.MEDIA.put(key, copy.readable)]);
        stored.push({ uid, path: entry.path, key });
      }
    });
  } catch (err) {
    await c.env.MEDIA.delete(stored.map((m) => m.key));
    throw err;
  }
  return stored;
}

export const siteImportRoutes = new OpenAPIHono<AppEnv>().openapi(importRoute, async (c) => {
  const { tenant } = tenantOf(c);
  const query = c.req.valid("query");
  const stagingKey = `imports/${tenant.id}/${newId("imp")}`;
  try {
    const size = await stage(c, stagingKey);
    let staged: Staged;
    let scanned: Scan;
    try {
      staged = await openStaged(c, stagingKey, size);
      scanned = await scan(c, staged);
    } catch (err) {
      if (err instanceof ArchiveError) {
        throw rejected(err.message, {
          errors: [{ path: err.path ?? "(archive)", message: err.message }],
        });
      }
      throw err;
    }
    const starter = await resolveStarter(c, query.starterId);
    const plan = planOcwImport(starter.config, scanned.files, { mediaPaths: scanned.media });
    if (!plan.ok) {
      throw rejected(
        `The archive has ${plan.report.errors.length} problem(s); nothing was imported`,
        plan.report,
      );
    }
    // Untitled imports take the course's title from its metadata.
    const courseTitle = plan.items.find((i) => typeof i.data.course_title === "string")?.data
      .course_title as string | undefined;
    const plannedSite = await planSite(
      c,
      {
        title: query.title ?? courseTitle ?? "Imported site",
        starterId: query.starterId,
        ...(query.slug ? { slug: query.slug } : {}),
      },
      starter,
    );
    const db = c.get("db");
    const userId = principalOf(c).user.id;
    const now = new Date();
    const stored = await storeMedia(c, staged, plannedSite.siteId, plan.media);
    const statements = bulkInsertImported(
      tenant.id,
      plannedSite.siteId,
      userId,
      now,
      plan.items.map((item) => ({
        ...item,
        id: newId("itm"),
        resourcetype: resourcetypeOf(item.data),
      })),
    );
    try {
      await rawBatch(c.env.DB, [
        ...plannedSite.statements,
        ...statements,
        auditStatement(c, {
          tenantId: tenant.id,
          action: "site.imported",
          targetType: "site",
          targetId: plannedSite.siteId,
          data: { items: plan.items.length, missingFiles: plan.report.missingFiles.length },
        }),
      ]);
    } catch (err) {
      // No site, so no media either.
      await c.env.MEDIA.delete(stored.map((m) => m.key));
      throw err;
    }
    const row = await getSiteView(db, tenant.id, plannedSite.siteId);
    if (!row) throw new Error("imported site vanished");
    return c.json({ site: siteView(row, "admin"), report: { ...plan.report, media: stored } }, 201);
  } finally {
    c.executionCtx.waitUntil(c.env.MEDIA.delete(stagingKey));
  }
});
