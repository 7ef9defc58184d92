// Tenant provider credentials through the API, in workerd with the real D1: owners and admins
// set, replace and remove them; the secrets are sealed at rest (the row holds no plaintext),
// never returned or audited, bound to their tenant, and invisible to other tenants.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "#workers/db/client";
import { config } from "#workers/env";
import { open, seal, secretContext, secretsAvailable } from "#workers/providers/secret-box";
import { loadProvider, ProviderSecretsUnreadable } from "#workers/providers/settings";
import {
  auditOf,
  call,
  createTenant,
  exec,
  expectProblem,
  issueToken,
  json,
  rows,
} from "../../factories.ts";

const YT = {
  clientId: "1234-abc.apps.googleusercontent.com",
  clientSecret: "GOCSPX-very-secret-client",
  refreshToken: "1//0g-refresh-token-ZZ9Q",
};
const TP = { apiKey: "3play-api-key-4242-WXYZ", turnaroundLevelId: 3 };

type Row = { secret_ciphertext: string; secret_hint: string; config: string };
const providerRow = (tenantId: string, provider: string) =>
  rows<Row>(
    "SELECT * FROM tenant_providers WHERE tenant_id = ? AND provider = ?",
    tenantId,
    provider,
  );

describe("provider settings", () => {
  it("stores YouTube and 3Play credentials sealed, and answers only configured + hint", async () => {
    const { tenant, roles } = await createTenant();
    const put = await call(`/tenants/${tenant.id}/providers/youtube`, {
      method: "PUT",
      cookie: roles.admin.cookie,
      body: YT,
    });
    const putText = await put.text();
    expect(put.status, putText).toBe(200);
    expect(JSON.parse(putText)).toMatchObject({
      provider: "youtube",
      configured: true,
      hint: "Z9Q".padStart(4, "Z"),
      config: { clientId: YT.clientId },
    });
    expect(putText).not.toContain(YT.clientSecret);
    expect(putText).not.toContain(YT.refreshToken);

    const tp = await call(`/tenants/${tenant.id}/providers/threeplay`, {
      method: "PUT",
      cookie: roles.owner.cookie,
      body: TP,
    });
    expect(tp.status).toBe(200);
    const audit = await auditOf(tp);
    expect(audit.map((a) => a.action)).toEqual(["provider.configured"]);
    expect(audit[0]?.data).not.toContain(TP.apiKey);

    const list = await call(`/tenants/${tenant.id}/providers`, { cookie: roles.owner.cookie });
    const listText = await list.text();
    expect(list.status).toBe(200);
    for (const s of [YT.clientSecret, YT.refreshToken, TP.apiKey]) {
      expect(listText).not.toContain(s);
    }
    const body = JSON.parse(listText);
    expect(body.storageAvailable).toBe(true);
    expect(body.items).toEqual([
      expect.objectContaining({ provider: "youtube", configured: true, hint: "ZZ9Q" }),
      expect.objectContaining({
        provider: "threeplay",
        configured: true,
        hint: "WXYZ",
        config: { turnaroundLevelId: 3 },
      }),
      { provider: "gdrive", configured: false, hint: null, config: {}, updatedAt: null },
    ]);

    // At rest: ciphertext only.
    const [row] = await providerRow(tenant.id, "youtube");
    expect(row?.secret_ciphertext).toMatch(/^v1\./);
    for (const s of [YT.clientSecret, YT.refreshToken]) {
      expect(row?.secret_ciphertext).not.toContain(s);
      expect(row?.config).not.toContain(s);
    }
    const all = JSON.stringify(
      await rows("SELECT * FROM tenant_providers WHERE tenant_id = ?", tenant.id),
    );
    expect(all).not.toContain(TP.apiKey);

    // Jobs get the opened configuration with the deployment's endpoints.
    const yt = await loadProvider(env, createDb(env.DB), tenant.id, "youtube");
    expect(yt?.oauth).toMatchObject({ ...YT, tokenUrl: config(env).GOOGLE_OAUTH_TOKEN_URL });
    expect(yt?.apiBase).toBe(config(env).GOOGLE_API_BASE);
    const three = await loadProvider(env, createDb(env.DB), tenant.id, "threeplay");
    expect(three).toMatchObject({ apiKey: TP.apiKey, turnaroundLevelId: 3 });
    expect(await loadProvider(env, createDb(env.DB), tenant.id, "gdrive")).toBeNull();
  });

  it("replaces and removes credentials, auditing without secrets", async () => {
    const { tenant, roles } = await createTenant();
    const path = `/tenants/${tenant.id}/providers/gdrive`;
    await call(path, { method: "PUT", cookie: roles.owner.cookie, body: YT });
    const again = await call(path, {
      method: "PUT",
      cookie: roles.owner.cookie,
      body: { ...YT, refreshToken: "1//another-refresh-token-9876" },
    });
    expect((await json(again)).hint).toBe("9876");
    expect((await auditOf(again)).map((a) => a.action)).toEqual(["provider.replaced"]);
    const opened = await loadProvider(env, createDb(env.DB), tenant.id, "gdrive");
    expect(opened?.oauth).toMatchObject({ refreshToken: "1//another-refresh-token-9876" });

    const del = await call(`/tenants/${tenant.id}/providers/gdrive`, {
      method: "DELETE",
      cookie: roles.owner.cookie,
    });
    expect(del.status).toBe(200);
    expect((await auditOf(del)).map((a) => a.action)).toEqual(["provider.removed"]);
    expect(await providerRow(tenant.id, "gdrive")).toEqual([]);
    expect(await loadProvider(env, createDb(env.DB), tenant.id, "gdrive")).toBeNull();
    // Removing again is harmless.
    const twice = await call(`/tenants/${tenant.id}/providers/gdrive`, {
      method: "DELETE",
      cookie: roles.owner.cookie,
    });
    expect(twice.status).toBe(200);
  });

  it("refuses invalid settings naming the field, and writes nothing", async () => {
    const { tenant, roles } = await createTenant();
    const res = await call(`/tenants/${tenant.id}/providers/threeplay`, {
      method: "PUT",
      cookie: roles.owner.cookie,
      body: { apiKey: "short" },
    });
    const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problem.errors?.map((e) => e.field)).toContain("apiKey");
    const extra = await call(`/tenants/${tenant.id}/providers/youtube`, {
      method: "PUT",
      cookie: roles.owner.cookie,
      body: { ...YT, apiBase: "http://evil.example" },
    });
    await expectProblem(extra, 400, "VALIDATION_FAILED");
    const bad = await call(`/tenants/${tenant.id}/providers/vimeo`, {
      method: "DELETE",
      cookie: roles.owner.cookie,
    });
    await expectProblem(bad, 400, "VALIDATION_FAILED");
    expect(await rows("SELECT * FROM tenant_providers WHERE tenant_id = ?", tenant.id)).toEqual([]);
  });
});

describe("provider settings: security", () => {
  it("is for owners and admins: authors and members get 403, tokens follow their role", async () => {
    const { tenant, roles } = await createTenant();
    for (const role of ["author", "member"] as const) {
      const res = await call(`/tenants/${tenant.id}/providers/youtube`, {
        method: "PUT",
        cookie: roles[role].cookie,
        body: YT,
      });
      await expectProblem(res, 403, "FORBIDDEN");
      await expectProblem(
        await call(`/tenants/${tenant.id}/providers`, { cookie: roles[role].cookie }),
        403,
        "FORBIDDEN",
      );
    }
    const memberToken = await issueToken(tenant.id, roles.member.id, "member");
    await expectProblem(
      await call(`/tenants/${tenant.id}/providers`, { token: memberToken.secret }),
      403,
      "FORBIDDEN",
    );
    expect(await rows("SELECT * FROM tenant_providers WHERE tenant_id = ?", tenant.id)).toEqual([]);
  });

  it("hides one tenant's providers from another (404) and leaves them untouched", async () => {
    const a = await createTenant();
    const b = await createTenant();
    await call(`/tenants/${a.tenant.id}/providers/threeplay`, {
      method: "PUT",
      cookie: a.roles.owner.cookie,
      body: TP,
    });
    const asB = b.roles.owner.cookie;
    await expectProblem(
      await call(`/tenants/${a.tenant.id}/providers`, { cookie: asB }),
      404,
      "NOT_FOUND",
    );
    await expectProblem(
      await call(`/tenants/${a.tenant.id}/providers/threeplay`, {
        method: "PUT",
        cookie: asB,
        body: { apiKey: "attacker-key-0000" },
      }),
      404,
      "NOT_FOUND",
    );
    await expectProblem(
      await call(`/tenants/${a.tenant.id}/providers/threeplay`, { method: "DELETE", cookie: asB }),
      404,
      "NOT_FOUND",
    );
    const listB = await json(await call(`/tenants/${b.tenant.id}/providers`, { cookie: asB }));
    expect(listB.items.every((i: { configured: boolean }) => !i.configured)).toBe(true);
    const kept = await loadProvider(env, createDb(env.DB), a.tenant.id, "threeplay");
    expect(kept?.apiKey).toBe(TP.apiKey);
  });

  it("binds sealed secrets to their tenant: a row copied to another tenant does not open", async () => {
    const a = await createTenant();
    const b = await createTenant();
    await call(`/tenants/${a.tenant.id}/providers/threeplay`, {
      method: "PUT",
      cookie: a.roles.owner.cookie,
      body: TP,
    });
    await exec(
      `INSERT INTO tenant_providers (tenant_id, provider, config, secret_ciphertext, secret_hint)
       SELECT ?, provider, config, secret_ciphertext, secret_hint FROM tenant_providers
       WHERE tenant_id = ? AND provider = 'threeplay'`,
      b.tenant.id,
      a.tenant.id,
    );
    await expect(loadProvider(env, createDb(env.DB), b.tenant.id, "threeplay")).rejects.toThrow(
      ProviderSecretsUnreadable,
    );
  });

  it("seals with AES-GCM: a fresh IV each time, tampering and the wrong context fail", async () => {
    const ctx = secretContext("ten_x", "youtube");
    const one = await seal(env, ctx, "plain secret");
    const two = await seal(env, ctx, "plain secret");
    expect(one).not.toBe(two);
    expect(await open(env, ctx, one)).toBe("plain secret");
    expect(await open(env, secretContext("ten_y", "youtube"), one)).toBeNull();
    // One character inside the ciphertext (not the last, whose low bits may be padding).
    const at = one.length - 10;
    const flipped = `${one.slice(0, at)}${one[at] === "A" ? "B" : "A"}${one.slice(at + 1)}`;
    expect(await open(env, ctx, flipped)).toBeNull();
    expect(await open(env, ctx, "not sealed")).toBeNull();
  });

  it("rotates keys (newest first), refuses a malformed key, and derives one only in local mode", async () => {
    const keyA = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    const keyB = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    const withKey = (k: string, extra: Record<string, string> = {}) =>
      ({ ...env, SECRETS_ENCRYPTION_KEY: k, ...extra }) as unknown as Env;
    const ctx = secretContext("ten_rotation", "threeplay");
    const old = await seal(withKey(keyA), ctx, "sealed under A");
    // After rotation (B newest, A kept): old values open, new ones are sealed under B.
    const rotated = withKey(`${keyB},${keyA}`);
    expect(await open(rotated, ctx, old)).toBe("sealed under A");
    const fresh = await seal(rotated, ctx, "sealed under B");
    expect(await open(withKey(keyB), ctx, fresh)).toBe("sealed under B");
    expect(await open(withKey(keyA), ctx, fresh)).toBeNull();
    // A malformed key is a configuration error that names the variable, not its value.
    expect(() => config(withKey("too-short-key"))).toThrow(/SECRETS_ENCRYPTION_KEY/);
    expect(() => config(withKey("too-short-key"))).not.toThrow(/too-short-key/);
    // No key: nothing can be sealed, except in local mode (derived from AUTH_SECRET).
    expect(await secretsAvailable(withKey(""))).toBe(false);
    await expect(seal(withKey(""), ctx, "x")).rejects.toThrow(/SECRETS_ENCRYPTION_KEY/);
    const local = withKey("", { LOCAL_MODE: "true" });
    expect(await open(local, ctx, await seal(local, ctx, "local"))).toBe("local");
  });
});
