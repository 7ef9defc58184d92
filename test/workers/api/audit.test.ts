// The audit log: every mutation leaves one event; owners and admins read and filter it
// (workers/api/routes/audit.ts, workers/domain/audit.ts).
import { describe, expect, it } from "vitest";
import {
  call,
  createTenant,
  exec,
  expectProblem,
  invite,
  issueToken,
  json,
  PASSWORD,
  type TenantFixture,
} from "../../factories.ts";

type Event = {
  id: string;
  action: string;
  targetType: string;
  targetId: string | null;
  actorUserId: string | null;
  actorTokenId: string | null;
  actorEmail: string | null;
  data: Record<string, unknown> | null;
  requestId: string | null;
  createdAt: string;
};

async function readAudit(t: TenantFixture, query: Record<string, string> = {}, cookie?: string) {
  const res = await call(`/tenants/${t.tenant.id}/audit`, {
    cookie: cookie ?? t.roles.owner.cookie,
    query,
  });
  expect(res.status).toBe(200);
  return json<{ items: Event[]; nextCursor: string | null }>(res);
}

describe("every tenant mutation leaves one event", () => {
  it("with actor, action, target and the request id", async () => {
    const t = await createTenant();
    const { owner, admin, author, member } = t.roles;
    const tid = t.tenant.id;
    const token = await issueToken(tid, admin.id, "admin");
    const inv = await invite(tid, owner, { role: "author" });
    const steps: {
      send: () => Promise<Response>;
      action: string;
      targetType: string;
      targetId: () => string | null;
      actor: { id: string; email: string };
      viaToken?: string;
    }[] = [
      {
        send: () =>
          call(`/tenants/${tid}`, {
            method: "PATCH",
            cookie: owner.cookie,
            body: { name: "Renamed" },
          }),
        action: "tenant.updated",
        targetType: "tenant",
        targetId: () => tid,
        actor: owner,
      },
      {
        send: () =>
          call(`/tenants/${tid}/members/${author.membershipId}`, {
            method: "PATCH",
            token: token.secret,
            body: { role: "member" },
          }),
        action: "member.role_changed",
        targetType: "member",
        targetId: () => author.membershipId,
        actor: admin,
        viaToken: token.id,
      },
      {
        send: () =>
          call(`/tenants/${tid}/members/${member.membershipId}`, {
            method: "DELETE",
            cookie: admin.cookie,
          }),
        action: "member.removed",
        targetType: "member",
        targetId: () => member.membershipId,
        actor: admin,
      },
      {
        send: () =>
          call(`/tenants/${tid}/invitations/${inv.invitation.id}`, {
            method: "DELETE",
            cookie: owner.cookie,
          }),
        action: "invitation.revoked",
        targetType: "invitation",
        targetId: () => inv.invitation.id,
        actor: owner,
      },
    ];
    for (const step of steps) {
      const res = await step.send();
      expect(res.status, step.action).toBe(200);
      const requestId = res.headers.get("x-request-id");
      const found = (await readAudit(t, { action: step.action })).items;
      expect(found, step.action).toHaveLength(1);
      expect(found[0]).toMatchObject({
        action: step.action,
        targetType: step.targetType,
        targetId: step.targetId(),
        actorUserId: step.actor.id,
        actorEmail: step.actor.email,
        actorTokenId: step.viaToken ?? null,
        requestId,
      });
    }
    // Created through the factories' API calls above, also recorded:
    const invited = (await readAudit(t, { action: "member.invited" })).items;
    expect(invited).toEqual([
      expect.objectContaining({ targetId: inv.invitation.id, actorUserId: owner.id }),
    ]);
  });

  it("joining, token creation and revocation are recorded too", async () => {
    const t = await createTenant();
    const inv = await invite(t.tenant.id, t.roles.owner);
    const joined = await call("/invitations/accept", {
      body: { token: inv.secret, name: "Newcomer", password: PASSWORD },
    });
    const created = await call(`/tenants/${t.tenant.id}/tokens`, {
      cookie: t.roles.author.cookie,
      body: { name: "mine", role: "author" },
    });
    const tokenId = (await json(created)).token.id;
    const revoked = await call(`/tenants/${t.tenant.id}/tokens/${tokenId}`, {
      method: "DELETE",
      cookie: t.roles.author.cookie,
    });
    const events = (await readAudit(t)).items;
    const byRequest = (res: Response) =>
      events.filter((e) => e.requestId === res.headers.get("x-request-id")).map((e) => e.action);
    expect(byRequest(joined)).toEqual(["member.joined"]);
    expect(byRequest(created)).toEqual(["token.created"]);
    expect(byRequest(revoked)).toEqual(["token.revoked"]);
  });

  it("reads and failed writes leave nothing", async () => {
    const t = await createTenant();
    const before = (await readAudit(t)).items.length;
    await call(`/tenants/${t.tenant.id}/members`, { cookie: t.roles.owner.cookie });
    await call(`/tenants/${t.tenant.id}`, {
      method: "PATCH",
      cookie: t.roles.member.cookie,
      body: { name: "x" },
    });
    await call(`/tenants/${t.tenant.id}`, {
      method: "PATCH",
      cookie: t.roles.owner.cookie,
      body: { name: "" },
    });
    await call(`/tenants/${t.tenant.id}/members/${t.roles.owner.membershipId}`, {
      method: "DELETE",
      cookie: t.roles.owner.cookie,
    });
    expect((await readAudit(t)).items).toHaveLength(before);
  });
});

describe("GET /tenants/{tenantId}/audit", () => {
  /** A tenant with a known history: rename (owner), invite x2 (admin), token (author). */
  async function withHistory() {
    const t = await createTenant();
    await call(`/tenants/${t.tenant.id}`, {
      method: "PATCH",
      cookie: t.roles.owner.cookie,
      body: { name: "One" },
    });
    await invite(t.tenant.id, t.roles.admin);
    await invite(t.tenant.id, t.roles.admin);
    await call(`/tenants/${t.tenant.id}/tokens`, {
      cookie: t.roles.author.cookie,
      body: { name: "t", role: "member" },
    });
    return t;
  }

  it("lists newest first", async () => {
    const t = await withHistory();
    const { items, nextCursor } = await readAudit(t);
    expect(items.map((e) => e.action)).toEqual([
      "token.created",
      "member.invited",
      "member.invited",
      "tenant.updated",
    ]);
    expect(nextCursor).toBeNull();
    expect(items.map((e) => e.id)).toEqual(
      items
        .map((e) => e.id)
        .sort()
        .reverse(),
    );
  });

  it("filters by action, target type and actor (id or email, any case)", async () => {
    const t = await withHistory();
    const { admin, author } = t.roles;
    expect((await readAudit(t, { action: "member.invited" })).items).toHaveLength(2);
    expect((await readAudit(t, { action: "member.nope" })).items).toEqual([]);
    expect((await readAudit(t, { targetType: "token" })).items.map((e) => e.action)).toEqual([
      "token.created",
    ]);
    expect((await readAudit(t, { actor: admin.id })).items).toHaveLength(2);
    expect((await readAudit(t, { actor: admin.email.toUpperCase() })).items).toHaveLength(2);
    expect((await readAudit(t, { actor: author.email, action: "member.invited" })).items).toEqual(
      [],
    );
  });

  it("filters by time with since and until", async () => {
    const t = await withHistory();
    const all = (await readAudit(t)).items;
    // Spread the events out in time so the bounds are unambiguous.
    const base = Date.parse("2030-01-01T00:00:00.000Z");
    for (const [i, e] of [...all].reverse().entries()) {
      await exec("UPDATE audit_events SET created_at = ? WHERE id = ?", base + i * 60_000, e.id);
    }
    const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
    const actions = async (q: Record<string, string>) =>
      (await readAudit(t, q)).items.map((e) => e.action);
    expect(await actions({ since: at(2) })).toEqual(["token.created", "member.invited"]);
    expect(await actions({ until: at(1) })).toEqual(["member.invited", "tenant.updated"]);
    expect(await actions({ since: at(1), until: at(2) })).toEqual([
      "member.invited",
      "member.invited",
    ]);
    expect(await actions({ since: at(10) })).toEqual([]);
  });

  it("pages with a cursor, without gaps or repeats", async () => {
    const t = await withHistory();
    const all = (await readAudit(t)).items.map((e) => e.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: Record<string, string> = { limit: "3" };
      if (cursor) q.cursor = cursor;
      const page = await readAudit(t, q);
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    // Filters and the cursor combine.
    const p1 = await readAudit(t, { action: "member.invited", limit: "1" });
    const p2 = await readAudit(t, {
      action: "member.invited",
      limit: "1",
      cursor: p1.nextCursor ?? "",
    });
    expect(p2.items).toHaveLength(1);
    expect(p2.items[0]?.id).not.toBe(p1.items[0]?.id);
    expect(p2.nextCursor).toBeNull();
  });

  it("only shows this tenant's events", async () => {
    const a = await withHistory();
    const b = await withHistory();
    const ids = new Set((await readAudit(b)).items.map((e) => e.id));
    for (const e of (await readAudit(a)).items) expect(ids.has(e.id)).toBe(false);
    // Platform events (no tenant) never appear either.
    await call("/me", { method: "PATCH", cookie: a.roles.owner.cookie, body: { name: "Me" } });
    expect((await readAudit(a, { action: "user.profile_updated" })).items).toEqual([]);
  });

  it.each([
    [{ since: "yesterday" }, "since"],
    [{ until: "2030-01-01" }, "until"],
    [{ limit: "1000" }, "limit"],
    [{ cursor: "bad" }, "cursor"],
    [{ action: "x".repeat(81) }, "action"],
    [{ verbose: "1" }, "verbose"],
  ])("rejects %j (field %s)", async (query, field) => {
    const t = await createTenant();
    const res = await call(`/tenants/${t.tenant.id}/audit`, {
      cookie: t.roles.owner.cookie,
      query,
    });
    const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problem.errors?.map((e) => e.field)).toContain(field);
  });
});
