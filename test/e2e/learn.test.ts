// Learn's side of the integration, against the running stack (wrangler dev, LOCAL_MODE) and
// the real builder: a tenant admin sets up catalog access in Chromium (a signing key, a webhook
// endpoint whose secret shows once, a test send seen in the delivery log, "Copy signed URL"),
// then a consumer that plays Learn receives the webhooks on a local HTTP endpoint, verifies
// each with the `standardwebhooks` library (an independent implementation of the spec), and
// fetches the signed site JSON and the catalog listing, checked against the schema and the
// published site.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { catalogPage, siteJson, webhookPayload } from "#schemas/learn";
import { signUrl } from "#workers/domain/catalog-signing";
import { api, courseSite, publishAndWait } from "./app-api.ts";
import { browsersFor, signIn } from "./browser.ts";
import { fromSite, waitFor } from "./site-host.ts";

const appUrl = inject("appUrl");
const demoOwner = inject("demoOwner");
const run = Date.now().toString(36);
const open = browsersFor(appUrl);

type Got = { headers: Record<string, string>; body: string };
const got: Got[] = [];
let hookUrl = "";
const server = createServer((req: IncomingMessage, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
    got.push({ headers, body: Buffer.concat(chunks).toString("utf8") });
    res.writeHead(204).end();
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/learn/webhooks`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function getJson(url: string) {
  const res = await fromSite(url);
  expect(res.status, `${url}: ${res.body}`).toBe(200);
  return JSON.parse(res.body) as unknown;
}

function events(type: string) {
  return got.filter((g) => JSON.parse(g.body).type === type);
}

describe("Learn integration", () => {
  it("is set up by a tenant admin and consumed as Learn would", async () => {
    const owner = await open();
    owner.context.setDefaultTimeout(30_000);
    await signIn(owner.page, demoOwner);
    const site = await courseSite(owner, `Learn ${run}`);
    const page = owner.page;

    // The catalog page, from the tenant's navigation.
    await page.goto(`/t/${site.tenantId}`);
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Catalog" })
      .click();
    await page.getByRole("heading", { level: 1, name: "Catalog" }).waitFor();

    // A signing key: its secret shows once.
    await page.getByLabel("Key name").fill(`Learn ${run}`);
    await page.getByRole("button", { name: "Create key" }).click();
    await page.getByRole("status").filter({ hasText: "Signing key" }).waitFor();
    const keyPanel = page.getByTestId("catalog-secret");
    const keySecret = await keyPanel.getByLabel("Secret").inputValue();
    const keyId = (await page.getByTestId("catalog-key-id").textContent()) ?? "";
    expect(keySecret).toMatch(/^lsk_/);
    expect(keyId).toMatch(/^key_/);
    await owner.shot("l01-key-created");
    await page.getByRole("row").filter({ hasText: keyId }).filter({ hasText: "Active" }).waitFor();

    // An endpoint: its whsec_ secret shows once, and never again after a reload.
    await page.getByLabel("Endpoint URL").fill(hookUrl);
    await page.getByLabel("Description").fill("Learn (e2e)");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await page.getByRole("status").filter({ hasText: "Endpoint added" }).waitFor();
    const hookSecret = await page.getByTestId("catalog-secret").getByLabel("Secret").inputValue();
    expect(hookSecret).toMatch(/^whsec_/);
    await page.goto(`/t/${site.tenantId}/catalog`);
    expect(await page.content()).not.toContain(hookSecret);
    expect(await page.content()).not.toContain(keySecret);
    const row = page.getByRole("row").filter({ hasText: hookUrl });
    await row.waitFor();

    // A test send: delivered, verified, and in the delivery log.
    await row.getByRole("button", { name: /Send test/ }).click();
    await page.getByRole("status").filter({ hasText: "Test event sent" }).waitFor();
    const test = await waitFor("the test webhook", async () => events("webhook.test")[0] ?? null);
    const wh = new Webhook(hookSecret);
    expect(webhookPayload.parse(wh.verify(test.body, test.headers)).type).toBe("webhook.test");
    await page.goto(`/t/${site.tenantId}/catalog`);
    await page
      .getByRole("row")
      .filter({ hasText: hookUrl })
      .getByRole("link", { name: /Delivery log/ })
      .click();
    const log = page.getByTestId("delivery-log");
    await log
      .getByRole("row")
      .filter({ hasText: "webhook.test" })
      .filter({ hasText: "Delivered" })
      .waitFor();
    await owner.shot("l02-delivery-log");

    // The course goes live: site.published, verified; its signed JSON URL serves the site.
    await api(owner, "POST", `${site.content}`, {
      collection: "metadata",
      filename: "sitemetadata",
      fields: {
        course_title: `Learn ${run}`,
        primary_course_number: "18.06",
        extra_course_numbers: "18.700",
        term: "Spring",
        year: "2027",
        level: ["Undergraduate"],
        course_description: "Linear *algebra*.",
      },
    });
    await api(owner, "POST", `${site.content}`, {
      collection: "page",
      fields: { title: "Syllabus" },
    });
    await publishAndWait(owner, site, "live");
    const published = await waitFor(
      "site.published",
      async () => events("site.published")[0] ?? null,
      120_000,
    );
    const payload = webhookPayload.parse(wh.verify(published.body, published.headers));
    expect(payload.data).toMatchObject({ site_id: site.siteId, site_short_id: site.siteSlug });
    const json = siteJson.parse(await getJson(payload.data.json_url as string));
    expect(json).toMatchObject({
      site_id: site.siteId,
      course_title: `Learn ${run}`,
      primary_course_number: "18.06",
      extra_course_numbers: "18.700",
      term: "Spring",
      year: "2027",
      course_description_html: "<p>Linear <em>algebra</em>.</p>\n",
    });
    // Against the published site: its home page and every page in the content map are served.
    const home = await fromSite(json.url);
    expect(home.status).toBe(200);
    expect(home.body).toContain(`Learn ${run}`);
    const syllabus = json.content.find((c) => c.title === "Syllabus");
    expect(syllabus).toBeDefined();
    expect((await fromSite(syllabus?.url as string)).status).toBe(200);

    // The catalog listing, signed by the consumer itself with the key.
    const listing = catalogPage.parse(
      await getJson(
        await signUrl(
          `${appUrl}/public/v1/tenants/${json.tenant}/sites?limit=100`,
          { id: keyId, secret: keySecret },
          Date.now() + 600_000,
        ),
      ),
    );
    const entry = listing.items.find((i) => i.site_id === site.siteId);
    expect(entry).toMatchObject({ site_uid: json.site_uid, url: json.url });
    expect(siteJson.parse(await getJson(entry?.json_url as string)).site_id).toBe(site.siteId);
    // A tampered URL is refused.
    expect((await fromSite(`${entry?.json_url}x`)).status).toBe(401);

    // Rotating the key in the UI: a new secret once; the old key ends after the overlap and
    // still verifies meanwhile.
    await page.goto(`/t/${site.tenantId}/catalog`);
    await page
      .getByRole("row")
      .filter({ hasText: keyId })
      .getByRole("button", { name: /Rotate/ })
      .click();
    await page.getByRole("status").filter({ hasText: "The key was rotated" }).waitFor();
    const rotatedSecret = await page
      .getByTestId("catalog-secret")
      .getByLabel("Secret")
      .inputValue();
    expect(rotatedSecret).not.toBe(keySecret);
    await page.getByRole("row").filter({ hasText: keyId }).filter({ hasText: "Ending" }).waitFor();
    expect((await fromSite(entry?.json_url as string)).status).toBe(200);

    // "Copy signed URL" on the site's page gives a URL that serves the same JSON.
    await page.goto(`/t/${site.tenantId}/sites/${site.siteId}`);
    await page.getByRole("button", { name: "Copy signed URL" }).click();
    const copied = await page.getByTestId("site-signed-url").getByLabel("URL").inputValue();
    expect(siteJson.parse(await getJson(copied)).site_uid).toBe(json.site_uid);
    await owner.shot("l03-signed-url");

    // Unpublished: site.unpublished arrives, and the JSON is gone (404).
    await api(owner, "POST", `/tenants/${site.tenantId}/sites/${site.siteId}/unpublish`, {});
    const gone = await waitFor(
      "site.unpublished",
      async () => events("site.unpublished")[0] ?? null,
    );
    expect(webhookPayload.parse(wh.verify(gone.body, gone.headers)).data.site_id).toBe(site.siteId);
    expect((await fromSite(copied)).status).toBe(404);
    expect(new Set(got.map((g) => g.headers["webhook-id"])).size).toBe(got.length);
  });
});
