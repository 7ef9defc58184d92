// Published sites for delivery tests: a real tenant and site (made through the API), blobs and
// a manifest written to R2 SITES the way the builder writes them, and the site's pointer set
// in D1 the way activation sets it. Requests go straight to handleDelivery, as the Worker's
// entry hands them over.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { blobKey, type DeployManifest, deployManifestKey } from "#schemas/deploy";
import { handleDelivery } from "#workers/delivery/index";
import { newId } from "#workers/domain/ids";
import { sha256Hex } from "#workers/domain/job-signing";
import { call, createTenant, exec, json, type TenantFixture, uniq } from "../../factories.ts";

export type FileSpec = { body: string | Uint8Array; type?: string };

const encoder = new TextEncoder();

const guessType = (path: string) =>
  path.endsWith(".html")
    ? "text/html; charset=utf-8"
    : path.endsWith(".css")
      ? "text/css; charset=utf-8"
      : path.endsWith(".js")
        ? "text/javascript; charset=utf-8"
        : "application/octet-stream";

/** Upload a deploy (blobs + manifest) to R2 SITES as the builder does; returns its id. */
export async function uploadDeploy(
  files: Record<string, FileSpec>,
  deployId: string = newId("dep"),
): Promise<string> {
  const manifest: DeployManifest = { version: 1, deployId, files: {} };
  for (const [path, spec] of Object.entries(files)) {
    const bytes = typeof spec.body === "string" ? encoder.encode(spec.body) : spec.body;
    const hash = await sha256Hex(bytes);
    await env.SITES.put(blobKey(hash), bytes);
    manifest.files[path] = {
      hash,
      size: bytes.byteLength,
      contentType: spec.type ?? guessType(path),
    };
  }
  await env.SITES.put(deployManifestKey(deployId), JSON.stringify(manifest));
  return deployId;
}

export type SiteFixture = {
  t: TenantFixture;
  siteId: string;
  siteSlug: string;
  tenantSlug: string;
  live: (path?: string) => string;
  preview: (path?: string) => string;
};

/** A tenant with a site (not published anywhere yet). */
export async function createSite(): Promise<SiteFixture> {
  const t = await createTenant();
  const siteSlug = uniq("s").toLowerCase();
  const res = await call(`/tenants/${t.tenant.id}/sites`, {
    cookie: t.roles.owner.cookie,
    body: { title: "Delivery test", starterId: "course", slug: siteSlug },
  });
  if (res.status !== 201) throw new Error(`site create failed: ${res.status} ${await res.text()}`);
  const site = await json<{ id: string }>(res);
  const host = (domain: string) => `${siteSlug}.${t.tenant.slug}.${domain}`;
  return {
    t,
    siteId: site.id,
    siteSlug,
    tenantSlug: t.tenant.slug,
    live: (path = "/") => `http://${host("sites.localhost")}${path}`,
    preview: (path = "/") => `http://${host("preview.localhost")}${path}`,
  };
}

/** Point a target of a site at a deploy, as activation does (one D1 write). */
export async function activate(
  siteId: string,
  target: "live" | "preview",
  deployId: string | null,
) {
  const column = target === "live" ? "live_deploy_id" : "preview_deploy_id";
  await exec(`UPDATE sites SET ${column} = ? WHERE id = ?`, deployId, siteId);
}

/** A site published live (and optionally to preview) with these files. */
export async function publishedSite(
  files: Record<string, FileSpec>,
  opts: { preview?: boolean } = {},
): Promise<SiteFixture & { deployId: string }> {
  const site = await createSite();
  const deployId = await uploadDeploy(files);
  await activate(site.siteId, "live", deployId);
  if (opts.preview) await activate(site.siteId, "preview", deployId);
  return { ...site, deployId };
}

/** One request through delivery, as the Worker entry would hand it over. */
export async function deliver(url: string, init?: RequestInit, e: Env = env): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await handleDelivery(new Request(url, init), e, ctx);
  await waitOnExecutionContext(ctx);
  if (!response) throw new Error(`delivery did not answer ${url}`);
  return response;
}

export const BASIC_SITE: Record<string, FileSpec> = {
  "index.html": { body: "<h1>Home</h1>" },
  "about/index.html": { body: "<h1>About</h1>" },
  "notes.txt": { body: "plain notes", type: "text/plain; charset=utf-8" },
  "css/main.3f9a2c1d.css": { body: "body{color:red}" },
  "video.mp4": { body: "0123456789abcdefghij", type: "video/mp4" },
  "404.html": { body: "<h1>Lost? This is the course's own 404</h1>" },
};
