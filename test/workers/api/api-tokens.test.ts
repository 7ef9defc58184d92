// API tokens: create, list, revoke, use (workers/api/routes/api-tokens.ts and the bearer half of
// workers/api/middleware/authenticate.ts).
import { describe, expect, it } from "vitest";
import { sha256Hex } from "#workers/domain/ids";
import {
  auditOf,
  call,
  countRows,
  createTenant,
  createToken,
  expectProblem,
  issueToken,
  json,
  rows,
  TENANT_ROLES,
} from "../../factories.ts";

type TokenRow = {
  id: string;
  user_id: string;
  role: string;
  prefix: string;
  token_hash: string;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
};
const tokenRow = async (id: string) =>
  (await rows<TokenRow>("SELECT * FROM api_tokens WHERE id = ?", id))[0];

describe("POST /tenants/{tenantId}/tokens", () => {
  it("shows the secret once and stores only its SHA-256", async () => {
    const t = await createTenant();
    const res = await call(`/tenants/${t.tenant.id}/tokens`, {
      cookie: t.roles.owner.cookie,
      body: { name: "  CI deploys ", role: "admin" },
    });
    expect(res.status).toBe(201);
    const { token, secret } = await json(res);
    expect(secret).toMatch(/^lct_[A-Za-z0-9_-]{43}$/);
    expect(token).toEqual({
      id: expect.stringMatching(/^tok_/),
      name: "CI deploys",
      role: "admin",
      prefix: secret.slice(0, 12),
      userId: t.roles.owner.id,
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
      createdAt: expect.stringMatching(/Z$/),
    });
    const row = await tokenRow(token.id);
    expect(row?.token_hash).toBe(await sha256Hex(secret));
    const everything = JSON.stringify(
      await rows("SELECT * FROM api_tokens WHERE id = ?", token.id),
    );
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(secret.slice(12));
    const audit = JSON.stringify(await auditOf(res));
    expect(audit).not.toContain(secret.slice(12));

    const list = await call(`/tenants/${t.tenant.id}/tokens`, { cookie: t.roles.owner.cookie });
    const listed = await list.text();
    expect(listed).not.toContain(secret.slice(12));
    expect(JSON.parse(listed).items).toEqual([token]);

    const [event] = await auditOf(res);
    expect(event).toMatchObject({
      tenant_id: t.tenant.id,
      action: "token.created",
      target_type: "token",
      target_id: token.id,
      actor_user_id: t.roles.owner.id,
      actor_token_id: null,
    });
    // The token works.
    const me = await json(await call("/me", { token: secret }));
    expect(me).toMatchObject({ via: "token", user: { id: t.roles.owner.id } });
  });

  it("sets an expiry when asked", async () => {
    const t = await createTenant();
    const { token } = await createToken(t.tenant.id, t.roles.member, "member", {
      expiresInDays: 30,
    });
    const row = await tokenRow(token.id);
    expect(row?.expires_at).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(row?.expires_at).toBeLessThan(Date.now() + 31 * 86_400_000);
  });

  it.each(TENANT_ROLES)(
    "lets a %s create tokens up to their own role, not above (403)",
    async (role) => {
      const t = await createTenant();
      const rank = TENANT_ROLES.indexOf(role);
      for (const [i, wanted] of TENANT_ROLES.entries()) {
        const res = await call(`/tenants/${t.tenant.id}/tokens`, {
          cookie: t.roles[role].cookie,
          body: { name: `as ${wanted}`, role: wanted },
        });
        if (i >= rank) {
          expect(res.status, `${role} → ${wanted}`).toBe(201);
        } else {
          const problem = await expectProblem(res, 403, "FORBIDDEN");
          expect(problem.errors?.[0]?.field).toBe("role");
        }
      }
      expect(
        await countRows("SELECT count(*) AS n FROM api_tokens WHERE tenant_id = ?", t.tenant.id),
      ).toBe(TENANT_ROLES.length - rank);
    },
  );

  it("cannot be done with a token (403): a leaked token cannot mint more", async () => {
    const t = await createTenant();
    const token = await issueToken(t.tenant.id, t.roles.owner.id, "owner");
    const res = await call(`/tenants/${t.tenant.id}/tokens`, {
      token: token.secret,
      body: { name: "child", role: "member" },
    });
    await expectProblem(res, 403, "FORBIDDEN");
    expect(
      await countRows("SELECT count(*) AS n FROM api_tokens WHERE tenant_id = ?", t.tenant.id),
    ).toBe(1);
  });

  it.each([
    [{ name: "", role: "member" }, "name"],
    [{ name: "x".repeat(81), role: "member" }, "name"],
    [{ name: "ok", role: "root" }, "role"],
    [{ name: "ok", role: "member", expiresInDays: 0 }, "expiresInDays"],
    [{ name: "ok", role: "member", expiresInDays: 366 }, "expiresInDays"],
    [{ name: "ok", role: "member", expiresInDays: 1.5 }, "expiresInDays"],
    [{ name: "ok", role: "member", expiresInDays: "7" }, "expiresInDays"],
    [{ name: "ok", role: "member", secret: "lct_mine" }, "secret"],
  ])("rejects %j (field %s)", async (body, field) => {
    const t = await createTenant();
    const res = await call(`/tenants/${t.tenant.id}/tokens`, {
      cookie: t.roles.owner.cookie,
      body,
    });
    const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problem.errors?.map((e) => e.field)).toContain(field);
    expect(
      await countRows("SELECT count(*) AS n FROM api_tokens WHERE tenant_id = ?", t.tenant.id),
    ).toBe(0);
  });
});

describe("GET /tenants/{tenantId}/tokens", () => {
  it("lists your own tokens by default", async () => {
    const t = await createTenant();
    const mine = await createToken(t.tenant.id, t.roles.author, "author");
    await createToken(t.tenant.id, t.roles.owner, "owner");
    const body = await json(
      await call(`/tenants/${t.tenant.id}/tokens`, { cookie: t.roles.author.cookie }),
    );
    expect(body.items.map((i: { id: string }) => i.id)).toEqual([mine.token.id]);
  });

  it.each(["owner", "admin"] as const)(
    "lists everyone's with scope=all for an %s",
    async (role) => {
      const t = await createTenant();
      const ids = [];
      for (const r of TENANT_ROLES)
        ids.push((await createToken(t.tenant.id, t.roles[r], r)).token.id);
      const res = await call(`/tenants/${t.tenant.id}/tokens`, {
        cookie: t.roles[role].cookie,
        query: { scope: "all" },
      });
      const body = await json(res);
      expect(body.items.map((i: { id: string }) => i.id).sort()).toEqual(ids.sort());
    },
  );

  it.each(["author", "member"] as const)("refuses scope=all to a %s (403)", async (role) => {
    const t = await createTenant();
    await expectProblem(
      await call(`/tenants/${t.tenant.id}/tokens`, {
        cookie: t.roles[role].cookie,
        query: { scope: "all" },
      }),
      403,
      "FORBIDDEN",
    );
  });

  it("caps scope=all by the token's role, not its holder's", async () => {
    const t = await createTenant();
    const weak = await issueToken(t.tenant.id, t.roles.owner.id, "author");
    await expectProblem(
      await call(`/tenants/${t.tenant.id}/tokens`, { token: weak.secret, query: { scope: "all" } }),
      403,
      "FORBIDDEN",
    );
  });

  it("pages newest first", async () => {
    const t = await createTenant();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await createToken(t.tenant.id, t.roles.member, "member")).token.id);
    const p1 = await json(
      await call(`/tenants/${t.tenant.id}/tokens`, {
        cookie: t.roles.member.cookie,
        query: { limit: "2" },
      }),
    );
    const p2 = await json(
      await call(`/tenants/${t.tenant.id}/tokens`, {
        cookie: t.roles.member.cookie,
        query: { limit: "2", cursor: p1.nextCursor },
      }),
    );
    expect([...p1.items, ...p2.items].map((i: { id: string }) => i.id)).toEqual(ids.reverse());
    expect(p2.nextCursor).toBeNull();
  });

  it("rejects an unknown scope or a bad cursor", async () => {
    const t = await createTenant();
    for (const [query, field] of [
      [{ scope: "everyone" }, "scope"],
      [{ cursor: "%%%" }, "cursor"],
    ] as const) {
      const res = await call(`/tenants/${t.tenant.id}/tokens`, {
        cookie: t.roles.owner.cookie,
        query,
      });
      expect((await expectProblem(res, 400, "VALIDATION_FAILED")).errors?.[0]?.field).toBe(field);
    }
  });
});

describe("DELETE /tenants/{tenantId}/tokens/{tokenId}", () => {
  it("revokes your own token: it stops working at once", async () => {
    const t = await createTenant();
    const { token, secret } = await createToken(t.tenant.id, t.roles.member, "member");
    expect((await call("/me", { token: secret })).status).toBe(200);
    const res = await call(`/tenants/${t.tenant.id}/tokens/${token.id}`, {
      method: "DELETE",
      cookie: t.roles.member.cookie,
    });
    expect(res.status).toBe(200);
    expect((await tokenRow(token.id))?.revoked_at).toBeGreaterThan(0);
    await expectProblem(await call("/me", { token: secret }), 401, "UNAUTHENTICATED");
    const [event] = await auditOf(res);
    expect(event).toMatchObject({
      action: "token.revoked",
      target_type: "token",
      target_id: token.id,
      actor_user_id: t.roles.member.id,
    });
    // Twice is a conflict, not a second event.
    const again = await call(`/tenants/${t.tenant.id}/tokens/${token.id}`, {
      method: "DELETE",
      cookie: t.roles.member.cookie,
    });
    await expectProblem(again, 409, "CONFLICT");
    expect(await auditOf(again)).toEqual([]);
  });

  it("a token can revoke itself", async () => {
    const t = await createTenant();
    const token = await issueToken(t.tenant.id, t.roles.author.id, "author");
    const res = await call(`/tenants/${t.tenant.id}/tokens/${token.id}`, {
      method: "DELETE",
      token: token.secret,
    });
    expect(res.status).toBe(200);
    expect((await auditOf(res))[0]).toMatchObject({ actor_token_id: token.id });
    await expectProblem(await call("/me", { token: token.secret }), 401, "UNAUTHENTICATED");
  });

  it.each(["owner", "admin"] as const)("lets an %s revoke someone else's token", async (role) => {
    const t = await createTenant();
    const other = await createToken(t.tenant.id, t.roles.author, "author");
    const res = await call(`/tenants/${t.tenant.id}/tokens/${other.token.id}`, {
      method: "DELETE",
      cookie: t.roles[role].cookie,
    });
    expect(res.status).toBe(200);
    await expectProblem(await call("/me", { token: other.secret }), 401, "UNAUTHENTICATED");
  });

  it.each(["author", "member"] as const)(
    "hides other people's tokens from a %s (404)",
    async (role) => {
      const t = await createTenant();
      const other = await createToken(t.tenant.id, t.roles.admin, "member");
      const res = await call(`/tenants/${t.tenant.id}/tokens/${other.token.id}`, {
        method: "DELETE",
        cookie: t.roles[role].cookie,
      });
      await expectProblem(res, 404, "NOT_FOUND");
      expect((await tokenRow(other.token.id))?.revoked_at).toBeNull();
      expect((await call("/me", { token: other.secret })).status).toBe(200);
    },
  );

  it("answers 404 for another tenant's token", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const other = await issueToken(b.tenant.id, b.roles.member.id, "member");
    await expectProblem(
      await call(`/tenants/${a.tenant.id}/tokens/${other.id}`, {
        method: "DELETE",
        cookie: a.roles.owner.cookie,
      }),
      404,
      "NOT_FOUND",
    );
    expect((await tokenRow(other.id))?.revoked_at).toBeNull();
  });
});

describe("last use", () => {
  it("is recorded when a token is used, and shown in the list", async () => {
    const t = await createTenant();
    const { token, secret } = await createToken(t.tenant.id, t.roles.author, "author");
    expect((await call("/me", { token: secret })).status).toBe(200);
    // Recorded after the response (waitUntil), so give it a moment.
    let lastUsed: number | null = null;
    for (let i = 0; i < 50 && !lastUsed; i++) {
      lastUsed = (await tokenRow(token.id))?.last_used_at ?? null;
      if (!lastUsed) await new Promise((r) => setTimeout(r, 20));
    }
    expect(lastUsed).toBeGreaterThan(Date.now() - 60_000);
    const listed = await json(
      await call(`/tenants/${t.tenant.id}/tokens`, { cookie: t.roles.author.cookie }),
    );
    expect(listed.items[0].lastUsedAt).toBe(new Date(lastUsed ?? 0).toISOString());
  });
});
