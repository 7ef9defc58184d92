// One error path (workers/api/errors.ts and onError in workers/api/app.ts): every failure is
// RFC 9457 problem+json with a stable code and the request id, and a failed request writes
// nothing.
import { describe, expect, it } from "vitest";
import { MAX_JSON_BODY_BYTES } from "#workers/api/app";
import {
  call,
  countRows,
  createOperator,
  createTenant,
  expectProblem,
  freshEmail,
  invite,
  nextIp,
  PASSWORD,
  rows,
  type TenantFixture,
} from "../../factories.ts";

/** JSON-bodied operations, each with a valid body and a check that it wrote nothing. */
type Writer = {
  name: string;
  path: (t: TenantFixture) => string;
  method: string;
  valid: (t: TenantFixture) => Record<string, unknown>;
  as: (t: TenantFixture) => { cookie?: string };
  nothingWritten: (t: TenantFixture) => Promise<void>;
};

const countIn = (table: string, t: TenantFixture) =>
  countRows(`SELECT count(*) AS n FROM ${table} WHERE tenant_id = ?`, t.tenant.id);

const writers: Writer[] = [
  {
    name: "create invitation",
    path: (t) => `/tenants/${t.tenant.id}/invitations`,
    method: "POST",
    valid: () => ({ email: freshEmail(), role: "member" }),
    as: (t) => ({ cookie: t.roles.owner.cookie }),
    nothingWritten: async (t) => {
      expect(await countIn("invitations", t)).toBe(0);
      expect(await countIn("audit_events", t)).toBe(0);
    },
  },
  {
    name: "create token",
    path: (t) => `/tenants/${t.tenant.id}/tokens`,
    method: "POST",
    valid: () => ({ name: "t", role: "member" }),
    as: (t) => ({ cookie: t.roles.owner.cookie }),
    nothingWritten: async (t) => {
      expect(await countIn("api_tokens", t)).toBe(0);
      expect(await countIn("audit_events", t)).toBe(0);
    },
  },
  {
    name: "rename tenant",
    path: (t) => `/tenants/${t.tenant.id}`,
    method: "PATCH",
    valid: () => ({ name: "Renamed" }),
    as: (t) => ({ cookie: t.roles.owner.cookie }),
    nothingWritten: async (t) => {
      expect(await rows("SELECT name FROM tenants WHERE id = ?", t.tenant.id)).toEqual([
        { name: t.tenant.name },
      ]);
      expect(await countIn("audit_events", t)).toBe(0);
    },
  },
  {
    name: "change member role",
    path: (t) => `/tenants/${t.tenant.id}/members/${t.roles.member.membershipId}`,
    method: "PATCH",
    valid: () => ({ role: "author" }),
    as: (t) => ({ cookie: t.roles.owner.cookie }),
    nothingWritten: async (t) => {
      expect(
        await rows("SELECT role FROM memberships WHERE id = ?", t.roles.member.membershipId),
      ).toEqual([{ role: "member" }]);
      expect(await countIn("audit_events", t)).toBe(0);
    },
  },
  {
    name: "update profile",
    path: () => "/me",
    method: "PATCH",
    valid: () => ({ name: "New Name" }),
    as: (t) => ({ cookie: t.roles.author.cookie }),
    nothingWritten: async (t) => {
      expect(await rows("SELECT name FROM users WHERE id = ?", t.roles.author.id)).toEqual([
        { name: t.roles.author.email.split("@")[0] },
      ]);
    },
  },
];

describe("malformed requests, on every JSON-bodied route", () => {
  for (const w of writers) {
    describe(w.name, () => {
      it("malformed JSON → 400 MALFORMED_JSON", async () => {
        const t = await createTenant();
        const res = await call(w.path(t), {
          ...w.as(t),
          method: w.method,
          rawBody: '{"name": "x",',
          headers: { "content-type": "application/json" },
        });
        await expectProblem(res, 400, "MALFORMED_JSON");
        await w.nothingWritten(t);
      });

      it.each([
        ["text/plain", JSON.stringify({})],
        ["application/x-www-form-urlencoded", "name=x&role=member"],
        ["multipart/form-data; boundary=x", "--x--"],
      ])("content type %s → 415", async (contentType, raw) => {
        const t = await createTenant();
        const res = await call(w.path(t), {
          ...w.as(t),
          method: w.method,
          rawBody: raw,
          headers: { "content-type": contentType },
        });
        await expectProblem(res, 415, "UNSUPPORTED_MEDIA_TYPE");
        await w.nothingWritten(t);
      });

      it("no content type → 415", async () => {
        const t = await createTenant();
        const res = await call(w.path(t), {
          ...w.as(t),
          method: w.method,
          rawBody: JSON.stringify(w.valid(t)),
        });
        await expectProblem(res, 415, "UNSUPPORTED_MEDIA_TYPE");
        await w.nothingWritten(t);
      });

      it("an unknown field → 400 VALIDATION_FAILED naming it", async () => {
        const t = await createTenant();
        const res = await call(w.path(t), {
          ...w.as(t),
          method: w.method,
          body: { ...w.valid(t), tenantId: "ten_other", isAdmin: true },
        });
        const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
        expect(problem.errors).toEqual(
          expect.arrayContaining([
            { field: "tenantId", message: "is not a known field" },
            { field: "isAdmin", message: "is not a known field" },
          ]),
        );
        await w.nothingWritten(t);
      });

      it("wrong types → 400 VALIDATION_FAILED naming each field", async () => {
        const t = await createTenant();
        const valid = w.valid(t);
        const wrong = Object.fromEntries(Object.keys(valid).map((k) => [k, 12345]));
        const res = await call(w.path(t), { ...w.as(t), method: w.method, body: wrong });
        const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
        expect(problem.errors?.map((e) => e.field).sort()).toEqual(Object.keys(valid).sort());
        for (const e of problem.errors ?? []) expect(e.message.length).toBeGreaterThan(0);
        await w.nothingWritten(t);
      });

      it.each([
        ["an array", []],
        ["null", null],
        ["a string", "hello"],
      ])("a body that is %s → 400", async (_label, body) => {
        const t = await createTenant();
        const res = await call(w.path(t), {
          ...w.as(t),
          method: w.method,
          rawBody: JSON.stringify(body),
          headers: { "content-type": "application/json" },
        });
        await expectProblem(res, 400, "VALIDATION_FAILED");
        await w.nothingWritten(t);
      });

      it(`a body over ${MAX_JSON_BODY_BYTES} bytes → 413`, async () => {
        const t = await createTenant();
        const body = { ...w.valid(t), padding: "x".repeat(MAX_JSON_BODY_BYTES) };
        const res = await call(w.path(t), { ...w.as(t), method: w.method, body });
        await expectProblem(res, 413, "PAYLOAD_TOO_LARGE");
        await w.nothingWritten(t);
      });

      it("the valid body works (so the cases above failed for their stated reason)", async () => {
        const t = await createTenant();
        const res = await call(w.path(t), { ...w.as(t), method: w.method, body: w.valid(t) });
        expect(res.status).toBeLessThan(300);
      });
    });
  }

  it("an empty body where one is required → 400", async () => {
    const t = await createTenant();
    const res = await call(`/tenants/${t.tenant.id}/invitations`, {
      cookie: t.roles.owner.cookie,
      rawBody: "",
      headers: { "content-type": "application/json" },
    });
    await expectProblem(res, 400, "MALFORMED_JSON");
  });

  it("a body just under the limit is read normally", async () => {
    const t = await createTenant();
    const res = await call(`/tenants/${t.tenant.id}`, {
      method: "PATCH",
      cookie: t.roles.owner.cookie,
      body: { name: "ok", pad: "x".repeat(MAX_JSON_BODY_BYTES - 100) },
    });
    // Read, then refused for the unknown field: not 413.
    const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problem.errors?.map((e) => e.field)).toEqual(["pad"]);
  });
});

describe("bad input in emails, ids, cursors and queries", () => {
  it("an invalid email is a field error wherever emails are taken", async () => {
    const t = await createTenant();
    const op = await createOperator();
    for (const email of ["plain", "two@@example.test", "a b@example.test", "", "@example.test"]) {
      const cases = [
        call(`/tenants/${t.tenant.id}/invitations`, {
          cookie: t.roles.owner.cookie,
          body: { email, role: "member" },
        }),
        call("/operator/tenants", { cookie: op.cookie, body: { name: "X", ownerEmail: email } }),
        call("/auth/sign-in", {
          body: { email, password: PASSWORD },
          headers: { "cf-connecting-ip": nextIp() },
        }),
      ];
      const fields = ["email", "ownerEmail", "email"];
      for (const [i, pending] of cases.entries()) {
        const problem = await expectProblem(await pending, 400, "VALIDATION_FAILED");
        expect(
          problem.errors?.map((e) => e.field),
          `${email} #${i}`,
        ).toContain(fields[i]);
      }
    }
    expect(await countIn("invitations", t)).toBe(0);
  });

  it("an invalid cursor is a field error on every list", async () => {
    const t = await createTenant();
    const op = await createOperator();
    const lists = [
      [`/tenants/${t.tenant.id}/members`, t.roles.owner.cookie],
      [`/tenants/${t.tenant.id}/invitations`, t.roles.owner.cookie],
      [`/tenants/${t.tenant.id}/tokens`, t.roles.owner.cookie],
      [`/tenants/${t.tenant.id}/audit`, t.roles.owner.cookie],
      ["/operator/tenants", op.cookie],
    ] as const;
    for (const [path, cookie] of lists) {
      for (const cursor of ["!!!", btoa("'; DROP TABLE tenants; --"), btoa("usr_short")]) {
        const res = await call(path, { cookie, query: { cursor } });
        const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
        expect(problem.errors, path).toEqual([
          { field: "cursor", message: "is not a cursor this API issued" },
        ]);
      }
    }
    expect(await countRows("SELECT count(*) AS n FROM tenants WHERE id = ?", t.tenant.id)).toBe(1);
  });

  it("malformed path ids are field errors once the caller is authorised", async () => {
    const t = await createTenant();
    const cases = [
      [`/tenants/${t.tenant.id}/members/mem_lowercase_not_ulid`, "PATCH", "memberId"],
      [`/tenants/${t.tenant.id}/members/usr_01J00000000000000000000000`, "DELETE", "memberId"],
      [`/tenants/${t.tenant.id}/invitations/x`, "DELETE", "invitationId"],
      [`/tenants/${t.tenant.id}/tokens/tok_`, "DELETE", "tokenId"],
    ] as const;
    for (const [path, method, field] of cases) {
      const res = await call(path, {
        method,
        cookie: t.roles.owner.cookie,
        ...(method === "PATCH" ? { body: { role: "member" } } : {}),
      });
      expect((await expectProblem(res, 400, "VALIDATION_FAILED")).errors?.[0]?.field).toBe(field);
    }
  });

  it("SQL-looking input is data, not SQL", async () => {
    const t = await createTenant();
    const name = "x'); DELETE FROM tenants; --";
    const res = await call(`/tenants/${t.tenant.id}`, {
      method: "PATCH",
      cookie: t.roles.owner.cookie,
      body: { name },
    });
    expect(res.status).toBe(200);
    expect(await rows("SELECT name FROM tenants WHERE id = ?", t.tenant.id)).toEqual([{ name }]);
    const audit = await call(`/tenants/${t.tenant.id}/audit`, {
      cookie: t.roles.owner.cookie,
      query: { actor: "' OR 1=1 --" },
    });
    expect((await audit.json()) as unknown).toEqual({ items: [], nextCursor: null });
  });
});

describe("the problem document", () => {
  it("unknown endpoints answer problem+json 404 with the request id", async () => {
    for (const [path, method] of [
      ["/nope", "GET"],
      ["/tenants", "GET"],
      ["/me", "DELETE"],
    ] as const) {
      const res = await call(path, { method });
      const problem = await expectProblem(res, 404, "NOT_FOUND");
      expect(problem.type).toBe("https://lectern.dev/problems/not-found");
    }
  });

  it("carries type, title, status, code, detail, instance and requestId", async () => {
    const res = await call("/me");
    const problem = await expectProblem(res, 401, "UNAUTHENTICATED");
    expect(problem).toEqual({
      type: "https://lectern.dev/problems/unauthenticated",
      title: "Sign in or send an API token",
      status: 401,
      code: "UNAUTHENTICATED",
      detail: expect.any(String),
      instance: "/api/v1/me",
      requestId: res.headers.get("x-request-id"),
    });
  });

  it("keeps a well-formed incoming X-Request-Id and replaces a malformed one", async () => {
    const kept = await call("/me", { headers: { "x-request-id": "trace-abc-12345" } });
    expect(kept.headers.get("x-request-id")).toBe("trace-abc-12345");
    expect((await expectProblem(kept, 401, "UNAUTHENTICATED")).requestId).toBe("trace-abc-12345");
    const replaced = await call("/me", { headers: { "x-request-id": "bad id with spaces" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^req_[0-9A-Z]{26}$/);
  });

  it("successful responses carry X-Request-Id too, and it is recorded in the audit event", async () => {
    const t = await createTenant();
    const res = await call(`/tenants/${t.tenant.id}`, {
      method: "PATCH",
      cookie: t.roles.owner.cookie,
      body: { name: "Traced" },
      headers: { "x-request-id": "trace-rename-0001" },
    });
    expect(res.headers.get("x-request-id")).toBe("trace-rename-0001");
    expect(
      await countRows(
        "SELECT count(*) AS n FROM audit_events WHERE request_id = ? AND tenant_id = ?",
        "trace-rename-0001",
        t.tenant.id,
      ),
    ).toBe(1);
  });

  it("a conflict answers 409 with field errors and nothing half-written", async () => {
    const t = await createTenant();
    const inv = await invite(t.tenant.id, t.roles.owner);
    const res = await call(`/tenants/${t.tenant.id}/invitations`, {
      cookie: t.roles.owner.cookie,
      body: { email: inv.invitation.email, role: "member" },
    });
    const problem = await expectProblem(res, 409, "ALREADY_EXISTS");
    expect(problem.errors?.[0]?.field).toBe("email");
    expect(await countIn("invitations", t)).toBe(1);
  });
});
