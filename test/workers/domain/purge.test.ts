// The purge client against a local fake of Cloudflare's documented endpoint
// (POST /client/v4/zones/{zone_id}/purge_cache, Bearer token, one of tags / prefixes / files /
// purge_everything, at most 100 items, answers {success, errors, messages, result}).
import { describe, expect, it } from "vitest";
import { createPurgeClient, PURGE_CHUNK } from "#workers/domain/purge";

const ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
const TOKEN = "Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY";

type Received = {
  method: string;
  path: string;
  auth: string | null;
  body: Record<string, unknown>;
};

/** A fake Cloudflare API; `script` may answer a given call differently (by index). */
function fakeCloudflare(script: (n: number) => Response | null = () => null) {
  const received: Received[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = (await request.json()) as Record<string, unknown>;
    received.push({
      method: request.method,
      path: url.pathname,
      auth: request.headers.get("authorization"),
      body,
    });
    const scripted = script(received.length - 1);
    if (scripted) return scripted;
    if (request.headers.get("authorization") !== `Bearer ${TOKEN}`) {
      return Response.json(
        {
          success: false,
          errors: [{ code: 10000, message: "Authentication error" }],
          messages: [],
          result: null,
        },
        { status: 403 },
      );
    }
    const match = /^\/client\/v4\/zones\/([^/]+)\/purge_cache$/.exec(url.pathname);
    const kinds = ["tags", "prefixes", "files", "purge_everything"].filter((k) => k in body);
    const items = kinds[0] && Array.isArray(body[kinds[0]]) ? (body[kinds[0]] as unknown[]) : [];
    if (!match || request.method !== "POST" || kinds.length !== 1 || items.length > 100) {
      return Response.json(
        {
          success: false,
          errors: [
            {
              code: 1012,
              message:
                "Request must contain one of purge_everything, files, tags, hosts or prefixes",
            },
          ],
          messages: [],
          result: null,
        },
        { status: 400 },
      );
    }
    return Response.json({ success: true, errors: [], messages: [], result: { id: match[1] } });
  }) as typeof fetch;
  return { received, fetch: fetchFn };
}

const client = (
  fake: ReturnType<typeof fakeCloudflare>,
  extra: { retries?: number; backoffMs?: number } = {},
) =>
  createPurgeClient({
    apiBase: "https://cf.test/client/v4/",
    zoneId: ZONE,
    token: TOKEN,
    fetch: fake.fetch,
    backoffMs: 1,
    ...extra,
  });

describe("purge client", () => {
  it("purges tags in chunks of at most 100, with the bearer token", async () => {
    const fake = fakeCloudflare();
    const tags = Array.from({ length: 250 }, (_, i) => `tag-${i}`);
    await client(fake).purge({ tags: [...tags, "tag-0"] });
    expect(PURGE_CHUNK).toBe(100);
    expect(fake.received.map((r) => (r.body.tags as string[]).length)).toEqual([100, 100, 50]);
    expect(fake.received.flatMap((r) => r.body.tags as string[])).toEqual(tags);
    for (const r of fake.received) {
      expect(r).toMatchObject({
        method: "POST",
        path: `/client/v4/zones/${ZONE}/purge_cache`,
        auth: `Bearer ${TOKEN}`,
      });
    }
  });

  it("sends prefixes, files and purge_everything in Cloudflare's field names", async () => {
    const fake = fakeCloudflare();
    await client(fake).purge({ prefixes: ["a.example/x/"], files: ["https://a.example/y"] });
    await client(fake).purge({ purgeEverything: true });
    expect(fake.received.map((r) => r.body)).toEqual([
      { prefixes: ["a.example/x/"] },
      { files: ["https://a.example/y"] },
      { purge_everything: true },
    ]);
  });

  it("uses Cloudflare's API by default", async () => {
    const urls: string[] = [];
    const purge = createPurgeClient({
      zoneId: ZONE,
      token: TOKEN,
      fetch: (async (input: RequestInfo | URL) => {
        urls.push(String(input));
        return Response.json({ success: true, errors: [], messages: [], result: { id: "x" } });
      }) as typeof fetch,
    });
    await purge.purge({ tags: ["t"] });
    expect(urls).toEqual([`https://api.cloudflare.com/client/v4/zones/${ZONE}/purge_cache`]);
  });

  it("retries 429 (honouring Retry-After) and 5xx, then succeeds", async () => {
    const fake = fakeCloudflare((n) =>
      n === 0
        ? new Response("slow down", { status: 429, headers: { "retry-after": "1" } })
        : n === 1
          ? new Response("oops", { status: 502 })
          : null,
    );
    const started = Date.now();
    await client(fake).purge({ tags: ["t"] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.received).toHaveLength(3);
  });

  it("gives up after its retries with a clear error", async () => {
    const fake = fakeCloudflare(() => new Response("down", { status: 503 }));
    await expect(client(fake, { retries: 2 }).purge({ tags: ["t"] })).rejects.toThrow(/HTTP 503/);
    expect(fake.received).toHaveLength(3);
  });

  it("throws on success:false naming Cloudflare's errors, never the token, without retrying", async () => {
    const fake = fakeCloudflare();
    const bad = createPurgeClient({
      apiBase: "https://cf.test/client/v4",
      zoneId: ZONE,
      token: "wrong-token-value",
      fetch: fake.fetch,
      backoffMs: 1,
    });
    const error = await bad.purge({ tags: ["t"] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain("10000: Authentication error");
    expect(message).not.toContain("wrong-token-value");
    expect(fake.received).toHaveLength(1);

    const okStatusButFailed = fakeCloudflare(() =>
      Response.json({
        success: false,
        errors: [{ code: 1134, message: "Purge by tag is not available" }],
      }),
    );
    await expect(client(okStatusButFailed).purge({ tags: ["t"] })).rejects.toThrow(
      /1134: Purge by tag/,
    );
  });

  it("refuses to be made without a zone or token", () => {
    expect(() => createPurgeClient({ zoneId: "", token: TOKEN })).toThrow(/zone/);
    expect(() => createPurgeClient({ zoneId: ZONE, token: "" })).toThrow(/token/);
  });
});
