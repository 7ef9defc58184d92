// Helpers for the provider tests in workerd: the fake providers' control endpoints (the server
// runs in the test runner's Node process, test/support/fake-providers.ts), a tenant with a site,
// and a ready video in the site's library.
import { env } from "cloudflare:workers";
import { createDb } from "#workers/db/client";
import { insertMediaItem } from "#workers/db/queries/media";
import { upsertTenantProvider } from "#workers/db/queries/providers";
import { newId } from "#workers/domain/ids";
import { config } from "#workers/env";
import { sealSettings } from "#workers/providers/settings";
import { call, createTenant, type TenantFixture } from "../../factories.ts";
import { makeSite } from "../publish/support.ts";

export const fakeBase = () => config(env).GOOGLE_API_BASE;

export async function control<T = unknown>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${fakeBase()}${path}`, {
    method: body === undefined ? "GET" : "POST",
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  if (!res.ok) throw new Error(`control ${path}: ${res.status}`);
  return (await res.json()) as T;
}

let seq = 0;
const unique = (label: string) => `${label}-${Date.now().toString(36)}-${++seq}`;

/** Sets the tenant's 3Play key (registered with the fake) through the API. */
export async function configureThreePlay(t: TenantFixture) {
  const apiKey = unique("tp-key");
  await control("/__threeplay/keys", { apiKey });
  const res = await call(`/tenants/${t.tenant.id}/providers/threeplay`, {
    method: "PUT",
    cookie: t.roles.owner.cookie,
    body: { apiKey },
  });
  if (res.status !== 200) throw new Error(`threeplay settings: ${res.status}`);
  return apiKey;
}

/** Sets the tenant's Google OAuth credentials (granted by the fake) for YouTube or Drive. */
export async function configureGoogle(t: TenantFixture, provider: "youtube" | "gdrive") {
  const grant = {
    clientId: `${unique("client")}.apps.googleusercontent.com`,
    clientSecret: unique("client-secret"),
    refreshToken: `1//${unique("refresh")}`,
  };
  await control("/__google/grants", grant);
  const res = await call(`/tenants/${t.tenant.id}/providers/${provider}`, {
    method: "PUT",
    cookie: t.roles.owner.cookie,
    body: grant,
  });
  if (res.status !== 200) throw new Error(`${provider} settings: ${res.status}`);
  return grant;
}

export async function tenantWithSite() {
  const t = await createTenant();
  const { site } = await makeSite(t);
  return { t, siteId: site.id as string };
}

/** A ready video item whose original is in R2 MEDIA. */
export async function readyVideo(
  tenantId: string,
  siteId: string,
  bytes = new TextEncoder().encode("not really an mp4, but bytes"),
  metadata: Record<string, unknown> = {},
) {
  const id = newId("med");
  const uid = crypto.randomUUID();
  const r2Key = `t/${tenantId}/s/${siteId}/files/${uid}/lecture-1.mp4`;
  await env.MEDIA.put(r2Key, bytes);
  await insertMediaItem(createDb(env.DB), {
    id,
    tenantId,
    siteId,
    resourceUid: uid,
    r2Key,
    filename: "lecture-1.mp4",
    declaredType: "video/mp4",
    sniffedType: "video/mp4",
    kind: "video",
    size: bytes.byteLength,
    status: "ready",
    partSize: bytes.byteLength,
    partCount: 1,
    metadata,
    variants: [],
  }).run();
  return { id, r2Key, bytes };
}

/**
 * Google Drive set up for a tenant straight in D1 (as the settings route stores it) and a
 * fake Drive folder with one PDF: for callers that may not set providers themselves.
 */
export async function driveFolderFor(tenantId: string): Promise<string> {
  const grant = {
    clientId: `${unique("client")}.apps.googleusercontent.com`,
    clientSecret: unique("client-secret"),
    refreshToken: `1//${unique("refresh")}`,
  };
  await control("/__google/grants", grant);
  const folderId = `1FoLdEr_${unique("matrix").replaceAll(/[^A-Za-z0-9_-]/g, "_")}`;
  await control("/__drive/folders", {
    folderId,
    refreshToken: grant.refreshToken,
    files: [{ name: "handout.pdf", mimeType: "application/pdf", content: "%PDF-1.4\n%%EOF\n" }],
  });
  const db = createDb(env.DB);
  const sealed = await sealSettings(env, tenantId, "gdrive", grant);
  await upsertTenantProvider(db, {
    tenantId,
    provider: "gdrive",
    ...sealed,
    updatedBy: null,
    now: new Date(),
  }).run();
  return folderId;
}

const pem = (label: string, der: ArrayBuffer) => {
  const b64 = btoa(String.fromCharCode(...new Uint8Array(der)));
  return `-----BEGIN ${label}-----\n${b64.replace(/(.{64})/g, "$1\n")}\n-----END ${label}-----\n`;
};

/** A service account the fake token endpoint knows, and its JSON key file (as Google gives it). */
export async function serviceAccount() {
  const pair = (await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const clientEmail = `${unique("sync")}@lectern-test.iam.gserviceaccount.com`;
  await control("/__google/service-accounts", {
    clientEmail,
    publicKey: pem(
      "PUBLIC KEY",
      (await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer,
    ),
  });
  const privateKey = pem(
    "PRIVATE KEY",
    (await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer,
  );
  const keyFile = JSON.stringify({
    type: "service_account",
    project_id: "lectern-test",
    private_key_id: `kid${unique("k").replaceAll("-", "")}ABCD`,
    private_key: privateKey,
    client_email: clientEmail,
    token_uri: "https://attacker.example/token",
  });
  return { clientEmail, privateKey, keyFile };
}
