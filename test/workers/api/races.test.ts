// Two requests at the same moment: the guarded batches (workers/db/queries/guards.ts) let one
// win and roll the other back whole, whichever way the two interleave.
import { describe, expect, it } from "vitest";
import {
  addMember,
  call,
  countRows,
  createTenant,
  issueInvitation,
  issueToken,
  nextIp,
  PASSWORD,
} from "../../factories.ts";

describe("concurrent writes", () => {
  it("two owners demoting each other at once leave the tenant with an owner", async () => {
    const t = await createTenant();
    const second = await addMember(t.tenant.id, "owner");
    const [a, b] = await Promise.all([
      call(`/tenants/${t.tenant.id}/members/${second.membershipId}`, {
        method: "PATCH",
        cookie: t.roles.owner.cookie,
        body: { role: "admin" },
      }),
      call(`/tenants/${t.tenant.id}/members/${t.roles.owner.membershipId}`, {
        method: "PATCH",
        cookie: second.cookie,
        body: { role: "admin" },
      }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(
      await countRows(
        "SELECT count(*) AS n FROM memberships WHERE tenant_id = ? AND role = 'owner'",
        t.tenant.id,
      ),
    ).toBe(1);
    // Only the change that happened is in the audit log.
    expect(
      await countRows(
        "SELECT count(*) AS n FROM audit_events WHERE tenant_id = ? AND action = 'member.role_changed'",
        t.tenant.id,
      ),
    ).toBe(1);
  });

  it("two owners removing each other at once leave the tenant with an owner", async () => {
    const t = await createTenant();
    const second = await addMember(t.tenant.id, "owner");
    const results = await Promise.all([
      call(`/tenants/${t.tenant.id}/members/${second.membershipId}`, {
        method: "DELETE",
        cookie: t.roles.owner.cookie,
      }),
      call(`/tenants/${t.tenant.id}/members/${t.roles.owner.membershipId}`, {
        method: "DELETE",
        cookie: second.cookie,
      }),
    ]);
    // The loser is refused either before its write (409) or because its owner is gone (404).
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(
      await countRows(
        "SELECT count(*) AS n FROM memberships WHERE tenant_id = ? AND role = 'owner'",
        t.tenant.id,
      ),
    ).toBe(1);
  });

  it("an invitation link used twice at once makes one account and one membership", async () => {
    const t = await createTenant();
    const inv = await issueInvitation(t.tenant.id, { role: "author" });
    const accept = () =>
      call("/invitations/accept", {
        body: { token: inv.secret, name: "Racing Person", password: PASSWORD },
        headers: { "cf-connecting-ip": nextIp() },
      });
    const results = await Promise.all([accept(), accept()]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([409, 410]).toContain(statuses[1]);
    expect(await countRows("SELECT count(*) AS n FROM users WHERE email = ?", inv.email)).toBe(1);
    expect(
      await countRows("SELECT count(*) AS n FROM memberships WHERE tenant_id = ?", t.tenant.id),
    ).toBe(5);
  });

  it("a token revoked twice at once is revoked once, with one audit event", async () => {
    const t = await createTenant();
    const token = await issueToken(t.tenant.id, t.roles.admin.id, "member");
    const revoke = () =>
      call(`/tenants/${t.tenant.id}/tokens/${token.id}`, {
        method: "DELETE",
        cookie: t.roles.admin.cookie,
      });
    const results = await Promise.all([revoke(), revoke()]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(
      await countRows(
        "SELECT count(*) AS n FROM audit_events WHERE tenant_id = ? AND action = 'token.revoked'",
        t.tenant.id,
      ),
    ).toBe(1);
  });
});
