// Publishing end to end, in headless Chromium against the built Worker and the real builder
// (real Hugo, deploys through the Worker's S3 stand-in): an owner edits a page, publishes to
// preview and reads it there, publishes live, rolls back and reads the old text again; and a
// builder killed in the middle of a build is noticed at the deadline, the build is retried and
// succeeds, while the live site serves its previous deploy the whole time.
import { rm, writeFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { api, courseSite } from "./app-api.ts";
import { browsersFor, type Person, signIn } from "./browser.ts";
import { builderControl } from "./global-setup.ts";
import { fromSite, sleep, waitFor } from "./site-host.ts";

const appUrl = inject("appUrl");
const demoOwner = inject("demoOwner");
const controlUrl = inject("builderControlUrl");
const holdHugoFile = inject("holdHugoFile");
const stallSeconds = inject("publishStallSeconds");
const run = Date.now().toString(36);
const open = browsersFor(appUrl);

async function person() {
  const p = await open();
  // Builds run Hugo and upload through wrangler dev: give a busy machine room.
  p.context.setDefaultTimeout(30_000);
  return p;
}

type Target = { deployId: string | null; url: string };
type Status = {
  contentVersion: number;
  preview: Target;
  live: Target;
  current: { id: string; state: string; attempt: number } | null;
  queued: unknown[];
};
type Deploy = { id: string; state: string; attempt: number; message: string | null };

type Site = Awaited<ReturnType<typeof courseSite>>;

const statusOf = (p: Person, site: Site) =>
  api<Status>(p, "GET", `/tenants/${site.tenantId}/sites/${site.siteId}/publish`);

/** Waits until `target` serves a deploy other than `before` and no build runs; returns it. */
async function published(p: Person, site: Site, target: "preview" | "live", before: string | null) {
  return waitFor(`the ${target} deploy`, async () => {
    const s = await statusOf(p, site);
    const id = s[target].deployId;
    return id !== null && id !== before && s.current === null && s.queued.length === 0 ? s : null;
  });
}

/** The page's <h1>, read in the browser; reloaded so a cached copy is never what we read. */
async function headingAt(page: Page, url: string) {
  await page.goto(url);
  await page.reload();
  return (await page.locator("main h1").first().textContent())?.trim();
}

async function newPage(p: Person, site: Site, title: string) {
  return api<{ uid: string; version: number }>(p, "POST", site.content, {
    collection: "page",
    filename: "syllabus",
    fields: { title },
    body: `What this course covers (${run}).`,
  });
}

describe("publishing", () => {
  it("edit, publish to preview and see it there, publish live, roll back, see the old text", async () => {
    const owner = await person();
    await signIn(owner.page, demoOwner);
    const site = await courseSite(owner, `Publishing ${run}`);
    const page = await newPage(owner, site, "Syllabus");
    const panel = `/t/${site.tenantId}/sites/${site.siteId}/publish`;

    // The first live publish, from the panel (the site page links to it).
    await owner.page.goto(`/t/${site.tenantId}/sites/${site.siteId}`);
    await owner.page.getByRole("link", { name: "Publishing" }).click();
    await owner.page.getByRole("heading", { level: 1 }).waitFor();
    await owner.page.getByRole("button", { name: "Publish live" }).click();
    await owner.page.getByText("Publishing to live: the build is queued.").waitFor();
    const first = await published(owner, site, "live", null);
    const liveUrl = `${first.live.url.replace(/\/$/, "")}/pages/syllabus/`;
    expect(await headingAt(owner.page, liveUrl)).toBe("Syllabus");

    // Edit the page in the editor.
    await owner.page.goto(`${site.ui}/items/${page.uid}`);
    await owner.page.getByLabel("Title").fill("Syllabus, revised");
    await owner.page.getByRole("button", { name: "Save", exact: true }).click();
    await owner.page.getByRole("status").filter({ hasText: "Saved." }).waitFor();

    // Publish to preview: the panel follows the build live, then the preview shows the edit.
    await owner.page.goto(panel);
    const previewCard = owner.page.getByRole("listitem").filter({
      has: owner.page.getByRole("heading", { name: /^Preview/ }),
    });
    await previewCard.getByText("Not published.").waitFor();
    await owner.page.getByRole("button", { name: "Publish to preview" }).click();
    await previewCard.getByText(/Serving deploy/).waitFor({ timeout: 60_000 });
    await owner.shot("p01-published-to-preview");
    const afterPreview = await published(owner, site, "preview", null);
    // The live site still has the old text: preview and live are separate deploys.
    expect(await headingAt(owner.page, liveUrl)).toBe("Syllabus");

    // Preview sites are private: a browser without access is sent to sign in …
    const stranger = await person();
    const previewUrl = `${afterPreview.preview.url.replace(/\/$/, "")}/pages/syllabus/`;
    await stranger.page.goto(previewUrl);
    await stranger.page.waitForURL((u) => u.pathname === "/sign-in");
    // … while the owner opens it from the panel (a one-shot handoff to the preview host).
    await owner.page.goto(panel);
    await owner.page.getByRole("link", { name: /Open the preview/ }).click();
    await owner.page.waitForURL((u) => u.host === new URL(previewUrl).host);
    expect(await headingAt(owner.page, previewUrl)).toBe("Syllabus, revised");
    await owner.shot("p02-preview-site");

    // Publish live: the live site shows the edit.
    await owner.page.goto(panel);
    await owner.page.getByRole("button", { name: "Publish live" }).click();
    const second = await published(owner, site, "live", first.live.deployId);
    expect(await headingAt(owner.page, liveUrl)).toBe("Syllabus, revised");

    // Roll back live to the first deploy, from the history: the old text is back at once.
    await owner.page.goto(panel);
    const short = (first.live.deployId ?? "").replace(/^dep_/, "").slice(0, 8);
    const row = owner.page.getByRole("row").filter({ hasText: short });
    await row.getByText("Roll back to this").click();
    await row.getByRole("button", { name: `Roll back live to ${short}` }).click();
    await owner.page.getByText(/The live site serves deploy .* again\./).waitFor();
    await owner.shot("p03-rolled-back");
    const after = await statusOf(owner, site);
    expect(after.live.deployId).toBe(first.live.deployId);
    expect(after.live.deployId).not.toBe(second.live.deployId);
    expect(await headingAt(owner.page, liveUrl)).toBe("Syllabus");
  });

  it("retries a build whose builder was killed, while the live site keeps serving", async () => {
    const owner = await person();
    await signIn(owner.page, demoOwner);
    const site = await courseSite(owner, `Fault ${run}`);
    const page = await newPage(owner, site, "Before the fault");
    const publishLive = () =>
      api<{ deploy: Deploy }>(
        owner,
        "POST",
        `/tenants/${site.tenantId}/sites/${site.siteId}/publish/live`,
        {},
      );
    await publishLive();
    const first = await published(owner, site, "live", null);
    const liveUrl = `${first.live.url.replace(/\/$/, "")}/pages/syllabus/`;
    expect((await fromSite(liveUrl)).body).toContain("Before the fault");

    await api(
      owner,
      "PATCH",
      `${site.content}/${page.uid}`,
      { fields: { title: "After the fault" } },
      { "if-match": `"${page.version}"` },
    );

    // Hugo is held, so the build is certainly in progress when the builder dies.
    await writeFile(holdHugoFile, "held by publish.test.ts");
    const killedPid = (await builderControl(controlUrl, "status")).pid;
    let deployId: string;
    try {
      deployId = (await publishLive()).deploy.id;
      await waitFor("the builder to take the build", async () => {
        const s = await statusOf(owner, site);
        return s.current?.state === "building" && s.current.attempt === 1 ? s : null;
      });
      await sleep(500);
      await builderControl(controlUrl, "kill", "SIGKILL");
    } finally {
      await rm(holdHugoFile, { force: true });
    }
    // The builder comes back (as a container platform would restart it) with no memory of the
    // job: only the SitePublisher's deadline can notice the build was lost.
    const restarted = await builderControl(controlUrl, "start");
    expect(restarted.pid).not.toBe(killedPid);

    // Until the retry succeeds, every request to the live site gets the old deploy.
    const seen: { status: number; old: boolean }[] = [];
    const done = await waitFor(
      "the retried build",
      async () => {
        const r = await fromSite(liveUrl);
        seen.push({ status: r.status, old: r.body.includes("Before the fault") });
        const d = await api<Deploy>(
          owner,
          "GET",
          `/tenants/${site.tenantId}/sites/${site.siteId}/deploys/${deployId}`,
        );
        return d.state === "succeeded" || d.state === "failed" ? d : null;
      },
      (stallSeconds + 60) * 1000,
    );
    expect(done.state, done.message ?? "").toBe("succeeded");
    expect(done.attempt).toBeGreaterThanOrEqual(2);
    // Every look was served; the old deploy throughout the stall (polled several times a
    // second), then the new one from its activation on, never the old one again.
    expect(seen.every((s) => s.status === 200)).toBe(true);
    const firstNew = seen.findIndex((s) => !s.old);
    const oldLooks = firstNew === -1 ? seen.length : firstNew;
    expect(oldLooks).toBeGreaterThan(stallSeconds);
    expect(seen.slice(oldLooks).filter((s) => s.old)).toEqual([]);
    const final = await waitFor("the new text", async () => {
      const r = await fromSite(liveUrl);
      return r.body.includes("After the fault") ? r : null;
    });
    expect(final.status).toBe(200);
  });
});
