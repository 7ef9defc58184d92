// Local mode only: Cloudflare's cache-purge API (POST /client/v4/zones/:zoneId/purge_cache),
// same request and answer shapes, so the builder's and the Worker's purge client
// (workers/domain/purge.ts) run unchanged against http://127.0.0.1:8787/__local/cloudflare/
// client/v4. "The cache" locally is delivery's: this isolate's memory and the Cache API
// entries it wrote.
//
// When LOCAL_MODE is not "true" the handler steps aside with next() (like workers/local/s3.ts):
// the deployed Worker has no such API. In local mode a request must carry
// `Authorization: Bearer ${LOCAL_PURGE_API_TOKEN}`.
//
// Decision: a purged site is forgotten with `forgetSiteLocally`, not `invalidateSite`, which
// would call the purge API again (this one, when local mode configures a zone) and loop.
import { Hono } from "hono";
import { z } from "zod";
import { createDb } from "#workers/db/client";
import { findSiteByDomain, findSiteBySlugs } from "#workers/db/queries/delivery";
import { forgetDomain, forgetEverythingLocally, forgetSiteLocally } from "#workers/delivery/index";
import { PURGE_CHUNK } from "#workers/domain/purge";
import { parseSiteHost } from "#workers/domain/site-hosts";
import { config } from "#workers/env";

export const LOCAL_PURGE_BASE = "/__local/cloudflare";

const TAG = /^lectern-site-(site_[0-9a-z]{26})$/;

const items = z.array(z.string().min(1).max(2048)).min(1).max(PURGE_CHUNK);
const purgeBody = z.union([
  z.strictObject({ purge_everything: z.literal(true) }),
  z.strictObject({ tags: items }),
  z.strictObject({ prefixes: items }),
  z.strictObject({ files: items }),
]);

/** Cloudflare's v4 answer envelope. */
function answer(success: boolean, errors: { code: number; message: string }[], result: unknown) {
  return { success, errors, messages: [], result };
}

/** The site a purged URL or prefix (`host/path`, scheme optional) belongs to. */
async function siteIdOfUrl(env: Env, value: string): Promise<string | null> {
  let hostname: string;
  try {
    hostname = new URL(value.includes("://") ? value : `http://${value}`).hostname;
  } catch {
    return null;
  }
  const db = createDb(env.DB);
  const parsed = parseSiteHost(config(env), hostname);
  const row = parsed
    ? await findSiteBySlugs(db, parsed.tenantSlug, parsed.siteSlug)
    : await findSiteByDomain(db, hostname);
  if (!parsed && row) await forgetDomain(hostname);
  return row?.siteId ?? null;
}

export const localPurge = new Hono<{ Bindings: Env }>().post(
  "/client/v4/zones/:zoneId/purge_cache",
  async (c, next) => {
    if (!config(c.env).LOCAL_MODE) return next();
    const expected = c.env.LOCAL_PURGE_API_TOKEN;
    if (!expected || c.req.header("authorization") !== `Bearer ${expected}`) {
      return c.json(answer(false, [{ code: 10000, message: "Authentication error" }], null), 401);
    }
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      json = undefined;
    }
    const parsed = purgeBody.safeParse(json);
    if (!parsed.success) {
      return c.json(
        answer(
          false,
          [
            {
              code: 1012,
              message:
                "Request must contain one of purge_everything, files, tags or prefixes (at most 100 items)",
            },
          ],
          null,
        ),
        400,
      );
    }
    const body = parsed.data;
    if ("purge_everything" in body) {
      await forgetEverythingLocally();
    } else if ("tags" in body) {
      for (const tag of body.tags) {
        const siteId = TAG.exec(tag)?.[1];
        if (siteId) await forgetSiteLocally(siteId);
      }
    } else {
      for (const value of "prefixes" in body ? body.prefixes : body.files) {
        const siteId = await siteIdOfUrl(c.env, value);
        if (siteId) await forgetSiteLocally(siteId);
      }
    }
    const id = [...crypto.getRandomValues(new Uint8Array(16))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    return c.json(answer(true, [], { id }), 200);
  },
);
