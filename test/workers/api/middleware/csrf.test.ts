// Cookie-carrying mutations must come from our origin AND carry x-lectern-csrf: 1
// (workers/api/middleware/csrf.ts). A rejected request writes nothing.
import { describe, expect, it } from "vitest";
import {
  APP_ORIGIN,
  call,
  countRows,
  createTenant,
  createUser,
  expectProblem,
  freshEmail,
  issueToken,
  nextIp,
  PASSWORD,
  rows,
  type TenantFixture,
} from "../../../factories.ts";

type Mutation = {
  name: string;
  send: (t: TenantFixture, headers: Record<string, string>) => Promise<Response>;
  /** Proves nothing was written. */
  unchanged: (t: TenantFixture) => Promise<void>;
};

const mutations: Mutation[] = [
  {
    name: "POST invitations",
    send: (t, headers) =>
      call(`/tenants/${t.tenant.id}/invitations`, {
        cookie: t.roles.owner.cookie,
        body: { email: freshEmail(), role: "member" },
        headers,
        noCsrf: true,
      }),
    unchanged: async (t) =>
      expect(
        await countRows("SELECT count(*) AS n FROM invitations WHERE tenant_id = ?", t.tenant.id),
      ).toBe(0),
  },
  {
    name: "PATCH tenant",
    send: (t, headers) =>
      call(`/tenants/${t.tenant.id}`, {
        method: "PATCH",
        cookie: t.roles.owner.cookie,
        body: { name: "Hijacked" },
        headers,
        noCsrf: true,
      }),
    unchanged: async (t) =>
      expect(await rows("SELECT name FROM tenants WHERE id = ?", t.tenant.id)).toEqual([
        { name: t.tenant.name },
      ]),
  },
  {
    name: "DELETE member",
    send: (t, headers) =>
      call(`/tenants/${t.tenant.id}/members/${t.roles.author.membershipId}`, {
        method: "DELETE",
        cookie: t.roles.owner.cookie,
        headers,
        noCsrf: true,
      }),
    unchanged: async (t) =>
      expect(
        await countRows(
          "SELECT count(*) AS n FROM memberships WHERE id = ?",
          t.roles.author.membershipId,
        ),
      ).toBe(1),
  },
  {
    name: "POST tokens",
    send: (t, headers) =>
      call(`/tenants/${t.tenant.id}/tokens`, {
        cookie: t.roles.owner.cookie,
        body: { name: "sneaky", role: "owner" },
        headers,
        noCsrf: true,
      }),
    unchanged: async (t) =>
      expect(
        await countRows("SELECT count(*) AS n FROM api_tokens WHERE tenant_id = ?", t.tenant.id),
      ).toBe(0),
  },
  {
    name: "POST sign-out",
    send: (t, headers) =>
      call("/auth/sign-out", {
        method: "POST",
        cookie: t.roles.owner.cookie,
        headers,
        noCsrf: true,
      }),
    unchanged: async (t) =>
      expect((await call("/me", { cookie: t.roles.owner.cookie })).status).toBe(200),
  },
];

const rejected: [string, Record<string, string>][] = [
  ["no Origin", { "x-lectern-csrf": "1" }],
  ["a foreign Origin", { origin: "https://evil.example", "x-lectern-csrf": "1" }],
  ["Origin: null", { origin: "null", "x-lectern-csrf": "1" }],
  ["a look-alike Origin", { origin: `${APP_ORIGIN}.evil.example`, "x-lectern-csrf": "1" }],
  ["no x-lectern-csrf", { origin: APP_ORIGIN }],
  ["x-lectern-csrf: 0", { origin: APP_ORIGIN, "x-lectern-csrf": "0" }],
];

describe("CSRF on cookie-authenticated mutations", () => {
  for (const m of mutations) {
    it.each(rejected)(
      `${m.name} with %s → 403 CSRF_REJECTED, nothing written`,
      async (_l, headers) => {
        const t = await createTenant();
        await expectProblem(await m.send(t, headers), 403, "CSRF_REJECTED");
        await m.unchanged(t);
      },
    );
  }

  it("passes with our Origin and the header", async () => {
    const t = await createTenant();
    const res = await call(`/tenants/${t.tenant.id}`, {
      method: "PATCH",
      cookie: t.roles.owner.cookie,
      body: { name: "Renamed" },
      headers: { origin: APP_ORIGIN, "x-lectern-csrf": "1" },
      noCsrf: true,
    });
    expect(res.status).toBe(200);
  });

  it("also guards sign-in (no login CSRF)", async () => {
    const user = await createUser();
    const res = await call("/auth/sign-in", {
      body: { email: user.email, password: PASSWORD },
      headers: { origin: "https://evil.example", "cf-connecting-ip": nextIp() },
      noCsrf: true,
    });
    await expectProblem(res, 403, "CSRF_REJECTED");
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it("does not apply to safe methods", async () => {
    const t = await createTenant();
    const res = await call(`/tenants/${t.tenant.id}`, {
      cookie: t.roles.owner.cookie,
      headers: { origin: "https://evil.example" },
    });
    expect(res.status).toBe(200);
  });
});

describe("bearer-token requests", () => {
  it("need neither Origin nor the CSRF header", async () => {
    const t = await createTenant();
    const token = await issueToken(t.tenant.id, t.roles.admin.id, "admin");
    const res = await call(`/tenants/${t.tenant.id}/invitations`, {
      token: token.secret,
      body: { email: freshEmail(), role: "member" },
      noCsrf: true,
    });
    expect(res.status).toBe(201);
  });

  it("ignore a cookie sent alongside (the token alone decides)", async () => {
    const t = await createTenant();
    const token = await issueToken(t.tenant.id, t.roles.member.id, "member");
    const res = await call(`/tenants/${t.tenant.id}/invitations`, {
      token: token.secret,
      cookie: t.roles.owner.cookie,
      body: { email: freshEmail(), role: "member" },
      noCsrf: true,
    });
    await expectProblem(res, 403, "FORBIDDEN");
  });
});
