// The publishing pages for tenant admins and the operator, in headless Chromium against the
// built Worker and the real builder: custom domains (mapped, refused with the reason next to
// the field, removed), mass rebuilds (counts followed to the end without a reload, a second one
// cancelled, the operator's view across tenants), and a failed publish on the dashboard.
import { rm, writeFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { api, courseSite, demoTenantId, publishAndWait } from "./app-api.ts";
import { browsersFor, signIn } from "./browser.ts";
import { waitFor } from "./site-host.ts";

const appUrl = inject("appUrl");
const demoOwner = inject("demoOwner");
const operator = inject("operator");
const holdHugoFile = inject("holdHugoFile");
const run = Date.now().toString(36);
const open = browsersFor(appUrl);

async function person(options?: Parameters<typeof open>[0]) {
  const p = await open(options);
  // Builds run Hugo and upload through wrangler dev: give a busy machine room.
  p.context.setDefaultTimeout(30_000);
  return p;
}

type Rebuild = {
  id: string;
  state: "running" | "cancelled" | "finished";
  total: number;
  done: number;
  failed: number;
  cancelled: number;
  remaining: number;
};
type Deploy = { id: string; state: string; message: string | null };

async function horizontalOverflow(page: Page) {
  return page.evaluate(
    "document.documentElement.scrollWidth - document.documentElement.clientWidth",
  );
}

/** The rebuild table's newest row. */
const newestRebuild = (page: Page) => page.locator(".rebuild-table tbody tr").first();

describe("publishing administration", () => {
  it("maps a custom domain to a site, refuses taken and reserved names at the field, removes it", async () => {
    const owner = await person();
    await signIn(owner.page, demoOwner);
    const site = await courseSite(owner, `Domains ${run}`);
    await courseSite(owner, `Other domains ${run}`);
    const hostname = `${run}.courses.example.edu`;

    await owner.page.goto(`/t/${site.tenantId}`);
    await owner.page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Domains" })
      .click();
    await owner.page.getByRole("heading", { level: 1, name: "Custom domains" }).waitFor();
    expect(await owner.page.getByText("DNS points at Lectern").count()).toBe(1);

    const addDomain = async (name: string, siteTitle: string) => {
      await owner.page.getByLabel("Hostname").fill(name);
      await owner.page
        .getByLabel("Site", { exact: true })
        .selectOption({ label: `${siteTitle} (not live yet)` });
      await owner.page.getByRole("button", { name: "Add domain" }).click();
    };

    await addDomain(hostname.toUpperCase(), `Domains ${run}`);
    await owner.page
      .getByRole("status")
      .filter({ hasText: `${hostname} now serves “Domains ${run}”.` })
      .waitFor();
    const row = owner.page.getByRole("row").filter({ hasText: hostname });
    await row.getByRole("link", { name: `Domains ${run}` }).waitFor();
    expect(await row.textContent()).toContain("Demo Owner");
    await owner.shot("d01-domain-added");

    // The same name for another site: taken, said next to the field (and in the summary).
    await addDomain(hostname, `Other domains ${run}`);
    const fieldError = owner.page.locator("#domain-hostname-error");
    await fieldError.filter({ hasText: "Hostname is already in use" }).waitFor();
    expect(await owner.page.getByLabel("Hostname").getAttribute("aria-invalid")).toBe("true");
    expect(await owner.page.getByLabel("Hostname").inputValue()).toBe(hostname);
    await owner.shot("d02-domain-taken");

    // A name under Lectern's own sites domain: reserved.
    await addDomain(`${run}.sites.localhost`, `Other domains ${run}`);
    await fieldError.filter({ hasText: "is under sites.localhost" }).waitFor();
    await owner.shot("d03-domain-reserved");

    // Remove, after confirming.
    await row.getByText("Remove…").click();
    await row.getByRole("button", { name: `Remove ${hostname}` }).click();
    await owner.page
      .getByRole("status")
      .filter({ hasText: `${hostname} was removed` })
      .waitFor();
    await row.waitFor({ state: "detached" });
    const left = await api<{ items: { hostname: string }[] }>(
      owner,
      "GET",
      `/tenants/${site.tenantId}/domains`,
    );
    expect(left.items.map((d) => d.hostname)).not.toContain(hostname);
  });

  it("rebuilds every published site with live counts, cancels a second rebuild, and the operator sees both", async () => {
    const owner = await person();
    await signIn(owner.page, demoOwner);
    const site = await courseSite(owner, `Rebuild ${run}`);
    await publishAndWait(owner, site, "live");
    const rebuildsApi = `/tenants/${site.tenantId}/rebuilds`;

    // From the sites page, to the rebuild page; start one (behind a confirmation).
    await owner.page.goto(`/t/${site.tenantId}/sites`);
    await owner.page.getByRole("link", { name: "Rebuild all published sites" }).click();
    await owner.page.getByRole("heading", { level: 1, name: "Mass rebuilds" }).waitFor();
    await owner.page.getByText("Rebuild all published sites…").click();
    await owner.page.getByRole("button", { name: "Start the rebuild" }).click();
    await owner.page
      .getByRole("status")
      .filter({ hasText: "A rebuild of all published sites has started." })
      .waitFor();
    const first = (await api<{ items: Rebuild[] }>(owner, "GET", rebuildsApi)).items[0];
    expect(first).toBeDefined();
    const row = newestRebuild(owner.page);
    await owner.shot("r01-rebuild-started");

    // The page follows it to the end by itself (no reload): counts, then "Finished".
    await row.getByText("Finished", { exact: true }).waitFor({ timeout: 180_000 });
    const finished = await api<Rebuild>(owner, "GET", `${rebuildsApi}/${first?.id}`);
    expect(finished).toMatchObject({ state: "finished", failed: 0, remaining: 0 });
    expect(finished.total).toBeGreaterThanOrEqual(1);
    expect(finished.done).toBe(finished.total);
    const text = await row.textContent();
    expect(text).toContain(`${finished.done} done`);
    expect(text).toContain("0 remaining");
    expect(await row.locator("progress").count()).toBe(0);
    await owner.shot("r02-rebuild-finished");

    // A second rebuild, cancelled while its build is certainly still running (Hugo is held).
    await writeFile(holdHugoFile, "held by publishing-admin.test.ts");
    try {
      await owner.page.getByText("Rebuild all published sites…").click();
      await owner.page.getByRole("button", { name: "Start the rebuild" }).click();
      await owner.page.getByRole("status").filter({ hasText: "has started" }).waitFor();
      await row.getByText("Running", { exact: true }).waitFor();
      // The counts arrive once the fan-out has counted the sites.
      await row.locator("progress").waitFor({ timeout: 60_000 });
      // Polling the counts keeps the answer to the last action on screen.
      expect(await owner.page.getByRole("status").filter({ hasText: "has started" }).count()).toBe(
        1,
      );
      await owner.shot("r03-second-rebuild-running");
      // The running rebuild on a phone: counts, bar and Cancel fit.
      await owner.page.setViewportSize({ width: 375, height: 800 });
      expect(await horizontalOverflow(owner.page)).toBe(0);
      await owner.shot("r03-phone-second-rebuild-running");
      await owner.page.setViewportSize({ width: 1280, height: 860 });
      await row.getByText("Cancel…").click();
      await row.getByRole("button", { name: "Cancel the rebuild" }).click();
      await owner.page
        .getByRole("status")
        .filter({ hasText: "The rebuild was cancelled." })
        .waitFor();
    } finally {
      await rm(holdHugoFile, { force: true });
    }
    await newestRebuild(owner.page).getByText("Cancelled", { exact: true }).waitFor();
    const list = (await api<{ items: Rebuild[] }>(owner, "GET", rebuildsApi)).items;
    expect(list[0]?.state).toBe("cancelled");
    expect(list[1]?.id).toBe(first?.id);
    await owner.shot("r04-second-rebuild-cancelled");

    // The operator sees the tenant's rebuilds among every tenant's, with the same controls.
    const ops = await person();
    await signIn(ops.page, operator);
    await ops.page.goto("/operator");
    await ops.page.getByRole("heading", { name: "Rebuild all published sites" }).waitFor();
    const opsRow = ops.page
      .locator(".rebuild-table tbody tr")
      .filter({ hasText: "Demo University" });
    expect(await opsRow.count()).toBeGreaterThanOrEqual(2);
    expect(await opsRow.first().textContent()).toContain("Cancelled");
    await ops.shot("r05-operator-rebuilds");
  });

  it("shows a failed publish on the dashboard, linked to its deploy", async () => {
    const owner = await person();
    await signIn(owner.page, demoOwner);
    const site = await courseSite(owner, `Broken ${run}`);
    // The course theme fails the build on a shortcode it does not know.
    await api(owner, "POST", site.content, {
      collection: "page",
      filename: "broken",
      fields: { title: "Broken page" },
      body: "Before.\n\n{{< no_such_shortcode >}}\n\nAfter.",
    });
    const publishPath = `/tenants/${site.tenantId}/sites/${site.siteId}`;
    const { deploy } = await api<{ deploy: Deploy }>(
      owner,
      "POST",
      `${publishPath}/publish/preview`,
      {},
    );
    const failed = await waitFor(
      "the failed build",
      async () => {
        const d = await api<Deploy>(owner, "GET", `${publishPath}/deploys/${deploy.id}`);
        return d.state === "failed" || d.state === "succeeded" ? d : null;
      },
      120_000,
    );
    expect(failed.state).toBe("failed");

    await owner.page.goto(`/t/${site.tenantId}`);
    const notice = owner.page.getByRole("region", { name: /you asked for failed/ });
    const item = notice.getByRole("listitem").filter({ hasText: `Broken ${run}` });
    await item.waitFor();
    // The reason, shortened to its first and last lines (the deploy's page has all of it).
    const lastLine = (failed.message ?? "").trim().split("\n").at(-1) ?? "";
    expect(await item.locator(".failure-reason").textContent()).toContain(lastLine);
    await owner.shot("f01-dashboard-failed-publish");
    await item.getByRole("link", { name: `Broken ${run}, preview publish` }).click();
    await owner.page.waitForURL((u) => u.pathname.endsWith(`/publish/deploys/${deploy.id}`));
    await owner.page.getByRole("heading", { level: 1 }).waitFor();
    await owner.shot("f02-failed-deploy-page");
  });

  it("fits a phone and works before JavaScript", async () => {
    const phone = await person({ viewport: { width: 375, height: 740 }, javaScriptEnabled: false });
    await signIn(phone.page, demoOwner);
    const tenantId = await demoTenantId(phone);
    await courseSite(phone, `Phone domains ${run}`);

    // The server checks the domain form, and the errors sit next to the fields.
    await phone.page.goto(`/t/${tenantId}/domains`);
    await phone.page.getByRole("button", { name: "Add domain" }).click();
    await phone.page.waitForLoadState("load");
    expect(await phone.page.locator("#domain-hostname-error").textContent()).toContain(
      "Hostname is required",
    );
    expect(await phone.page.locator("#domain-siteId-error").textContent()).toContain(
      "Site is required",
    );
    expect(await horizontalOverflow(phone.page)).toBe(0);
    await phone.shot("m01-phone-domains-no-js");

    await phone.page.goto(`/t/${tenantId}/rebuilds`);
    await phone.page.getByRole("heading", { level: 1, name: "Mass rebuilds" }).waitFor();
    expect(await horizontalOverflow(phone.page)).toBe(0);
    await phone.shot("m02-phone-rebuilds-no-js");

    await phone.page.goto(`/t/${tenantId}`);
    expect(await horizontalOverflow(phone.page)).toBe(0);
    await phone.shot("m03-phone-dashboard-no-js");
  });
});
