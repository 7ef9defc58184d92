// Built-in starters (course, website): every tenant has them, created on first use.

import type { StarterConfig } from "#schemas/starter";
import type { Db } from "#workers/db/client";
import {
  countBuiltInStarters,
  insertStarterIfMissing,
  insertStarterVersionIfMissing,
} from "#workers/db/queries/starters";
import courseYaml from "./builtin-starters/course.yaml?raw";
import websiteYaml from "./builtin-starters/website.yaml?raw";
import { parseStarterYaml } from "./starters.ts";

export const builtInStarters = [
  { slug: "course", name: "Course (OCW compatible)", source: courseYaml },
  { slug: "website", name: "Website", source: websiteYaml },
] as const;

/**
 * Built-in starters get stable ids per tenant, derived from the tenant id, so giving a tenant
 * its built-ins is an idempotent insert that concurrent requests cannot duplicate.
 */
export function builtInStarterIds(tenantId: string, slug: string) {
  const suffix = tenantId.slice(tenantId.indexOf("_") + 1);
  const tag = slug === "course" ? "C" : "W";
  return {
    starterId: `str_${suffix.slice(0, 25)}${tag}`,
    versionId: `stv_${suffix.slice(0, 25)}${tag}`,
  };
}

type ParsedBuiltIn = (typeof builtInStarters)[number] & { config: StarterConfig };
let parsedBuiltIns: ParsedBuiltIn[] | undefined;

/** Parsed once per isolate: the YAML ships with the Worker and never changes at run time. */
function parsedBuiltInStarters(): ParsedBuiltIn[] {
  parsedBuiltIns ??= builtInStarters.map((b) => {
    const parsed = parseStarterYaml(b.source);
    if (!parsed.ok) {
      throw new Error(`built-in starter ${b.slug} is invalid: ${JSON.stringify(parsed.errors)}`);
    }
    return { ...b, config: parsed.config };
  });
  return parsedBuiltIns;
}

/**
 * Give a tenant its built-in starters if it lacks them. A read on the usual path; the
 * idempotent inserts run only for a tenant that has never used starters.
 */
export async function ensureBuiltInStarters(db: Db, tenantId: string) {
  const builtIns = parsedBuiltInStarters();
  if ((await countBuiltInStarters(db, tenantId)) >= builtIns.length) return;
  const statements = builtIns.flatMap((b) => {
    const ids = builtInStarterIds(tenantId, b.slug);
    return [
      insertStarterIfMissing(db, {
        id: ids.starterId,
        tenantId,
        slug: b.slug,
        name: b.name,
        builtIn: true,
        status: "active",
        currentVersion: 1,
      }),
      insertStarterVersionIfMissing(db, {
        id: ids.versionId,
        tenantId,
        starterId: ids.starterId,
        version: 1,
        source: b.source,
        config: b.config,
        createdBy: null,
      }),
    ];
  });
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
}
