// The job signatures in workerd (where the Durable Object signs); test/builder/jobs.test.ts
// exercises the same module under Node, where the builder verifies.
import { describe, expect, it } from "vitest";
import {
  SIGNATURE_HEADER,
  secretList,
  sha256Hex,
  signRequest,
  verifyRequest,
} from "#workers/domain/job-signing";

const secret = "test-secret-one";
const body = '{"jobId":"job-1"}';
const now = 1_795_000_000_000; // 2026-11-18T11:06:40Z
const request = { method: "POST", path: "/jobs", body };

async function signed(overrides: Partial<Parameters<typeof signRequest>[0]> = {}) {
  return signRequest({ secret, ...request, now, ...overrides });
}

describe("signRequest", () => {
  it("signs t.METHOD.path.sha256(body) with HMAC-SHA256", async () => {
    // Computed independently with Node's crypto.createHmac / createHash.
    expect(await signed()).toBe(
      "t=1795000000,v1=4dae8c28d63ea1420aa41211b2bc09103747f8d483eda822011af1c3387b909f",
    );
    expect(await sha256Hex(body)).toBe(
      "0b4b0e03bcb05d9658b362eda546b18b7f163746c31520229b22ad0256cc8e15",
    );
    expect(await sha256Hex(new Uint8Array())).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });

  it("gives one v1= per secret during a rotation, and refuses an empty secret", async () => {
    const header = await signed({ secret: ["new-secret", "old-secret"] });
    expect(header).toMatch(/^t=1795000000,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    await expect(signed({ secret: "" })).rejects.toThrow(/non-empty secret/);
    await expect(signed({ secret: [] })).rejects.toThrow(/non-empty secret/);
  });

  it("names its header", () => {
    expect(SIGNATURE_HEADER).toBe("x-lectern-signature");
  });
});

describe("verifyRequest", () => {
  it("accepts what signRequest made, for string and byte bodies and any method case", async () => {
    const header = await signed();
    expect(await verifyRequest({ secrets: [secret], ...request, header, now })).toEqual({
      ok: true,
    });
    const bytes = new TextEncoder().encode(body);
    expect(
      await verifyRequest({ secrets: [secret], ...request, body: bytes, header, now }),
    ).toEqual({ ok: true });
    expect(
      await verifyRequest({ secrets: [secret], ...request, method: "post", header, now }),
    ).toEqual({ ok: true });
  });

  it("says missing for no header or an empty one", async () => {
    for (const header of [undefined, null, "", "  "]) {
      expect(await verifyRequest({ secrets: [secret], ...request, header, now })).toEqual({
        ok: false,
        reason: "missing",
      });
    }
  });

  it("says malformed for headers that do not parse", async () => {
    const v1 = "a".repeat(64);
    for (const header of [
      "garbage",
      `v1=${v1}`, // no timestamp
      "t=1795000000", // no signature
      `t=abc,v1=${v1}`,
      `t=-1795000000,v1=${v1}`,
      `t=1795000000,t=1795000000,v1=${v1}`,
      `t=1795000000,v1=${"A".repeat(64)}`, // hex is lowercase
      `t=1795000000,v1=${v1.slice(1)}`,
      `t=1795000000,=x,v1=${v1}`,
    ]) {
      expect(await verifyRequest({ secrets: [secret], ...request, header, now }), header).toEqual({
        ok: false,
        reason: "malformed",
      });
    }
  });

  it("ignores unknown keys, so a later v2= does not break old receivers", async () => {
    const header = `${await signed()},v2=whatever`;
    expect(await verifyRequest({ secrets: [secret], ...request, header, now })).toEqual({
      ok: true,
    });
  });

  it("says expired past the tolerance and future beyond it, and accepts inside it", async () => {
    const header = await signed();
    const at = (offsetSeconds: number, toleranceSeconds?: number) =>
      verifyRequest({
        secrets: [secret],
        ...request,
        header,
        now: now + offsetSeconds * 1000,
        toleranceSeconds,
      });
    expect(await at(300)).toEqual({ ok: true });
    expect(await at(-300)).toEqual({ ok: true });
    expect(await at(301)).toEqual({ ok: false, reason: "expired" });
    expect(await at(-301)).toEqual({ ok: false, reason: "future" });
    expect(await at(31, 30)).toEqual({ ok: false, reason: "expired" });
    expect(await at(-31, 30)).toEqual({ ok: false, reason: "future" });
  });

  it("says mismatch when the path, method, body or timestamp was changed", async () => {
    const header = await signed();
    const verify = (changes: Partial<typeof request> & { header?: string }) =>
      verifyRequest({ secrets: [secret], ...request, header, now, ...changes });
    expect(await verify({ path: "/jobs/job-1" })).toEqual({ ok: false, reason: "mismatch" });
    expect(await verify({ path: "/jobs?x=1" })).toEqual({ ok: false, reason: "mismatch" });
    expect(await verify({ method: "PUT" })).toEqual({ ok: false, reason: "mismatch" });
    expect(await verify({ body: '{"jobId":"job-2"}' })).toEqual({ ok: false, reason: "mismatch" });
    expect(await verify({ body: "" })).toEqual({ ok: false, reason: "mismatch" });
    const moved = header.replace("t=1795000000", "t=1795000001");
    expect(await verify({ header: moved })).toEqual({ ok: false, reason: "mismatch" });
    const flipped = header.replace(/.$/, (last) => (last === "0" ? "1" : "0"));
    expect(await verify({ header: flipped })).toEqual({ ok: false, reason: "mismatch" });
  });

  it("says mismatch for another secret, and for no secrets at all", async () => {
    const header = await signed();
    expect(await verifyRequest({ secrets: ["other"], ...request, header, now })).toEqual({
      ok: false,
      reason: "mismatch",
    });
    expect(await verifyRequest({ secrets: [], ...request, header, now })).toEqual({
      ok: false,
      reason: "mismatch",
    });
    expect(await verifyRequest({ secrets: [""], ...request, header, now })).toEqual({
      ok: false,
      reason: "mismatch",
    });
  });

  it("supports rotation: old and new secrets on either side", async () => {
    const receiverDuringRotation = ["new-secret", "old-secret"];
    for (const senderSecret of ["new-secret", "old-secret"]) {
      const header = await signed({ secret: senderSecret });
      expect(
        await verifyRequest({ secrets: receiverDuringRotation, ...request, header, now }),
      ).toEqual({ ok: true });
    }
    // A sender that signs with both reaches a receiver that knows only one of them.
    const both = await signed({ secret: ["new-secret", "old-secret"] });
    for (const only of ["new-secret", "old-secret"]) {
      expect(await verifyRequest({ secrets: [only], ...request, header: both, now })).toEqual({
        ok: true,
      });
    }
    // After the rotation the old secret is refused.
    const old = await signed({ secret: "old-secret" });
    expect(await verifyRequest({ secrets: ["new-secret"], ...request, header: old, now })).toEqual({
      ok: false,
      reason: "mismatch",
    });
  });
});

describe("secretList", () => {
  it("splits a comma-separated variable, dropping blanks", () => {
    expect(secretList(undefined)).toEqual([]);
    expect(secretList("")).toEqual([]);
    expect(secretList(" new , old ,,")).toEqual(["new", "old"]);
  });
});
