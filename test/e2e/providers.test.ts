// The Media providers page in headless Chromium against the built Worker (local mode: the
// encryption key derives from AUTH_SECRET): an owner sets 3Play Media's API key (refused first
// at the field), sees only its last characters, replaces YouTube's credentials, and removes
// them; the secrets never reach the page or the API's answers.
import { describe, expect, inject, it } from "vitest";
import { api, courseSite, demoTenantId } from "./app-api.ts";
import { browsersFor, type Person, signIn } from "./browser.ts";

const appUrl = inject("appUrl");
const demoOwner = inject("demoOwner");
const providersUrl = inject("providersUrl");
const run = Date.now().toString(36);
const open = browsersFor(appUrl);

type Providers = { items: { provider: string; configured: boolean; hint: string | null }[] };

async function removeAll(p: Person, tenantId: string) {
  const origin = new URL(p.baseURL).origin;
  for (const provider of ["youtube", "threeplay", "gdrive"]) {
    await p.page.request.fetch(`/api/v1/tenants/${tenantId}/providers/${provider}`, {
      method: "DELETE",
      headers: { origin, "x-lectern-csrf": "1" },
    });
  }
}

describe("media providers", () => {
  it("sets, shows only the hint of, and removes provider credentials", async () => {
    const owner = await open();
    await signIn(owner.page, demoOwner);
    const tenantId = await demoTenantId(owner);
    const apiKey = `e2e-3play-${run}-WXYZ`;
    const clientSecret = `GOCSPX-e2e-${run}`;
    const refreshToken = `1//e2e-refresh-${run}-R9T4`;
    try {
      await owner.page.goto(`/t/${tenantId}`);
      await owner.page
        .getByRole("navigation", { name: "Main" })
        .getByRole("link", { name: "Media providers" })
        .click();
      await owner.page.getByRole("heading", { level: 1, name: "Media providers" }).waitFor();

      const threeplay = owner.page.getByRole("region", { name: "3Play Media" });
      await threeplay.getByLabel("API key").fill("short");
      await threeplay.getByRole("button", { name: "Save API key" }).click();
      await threeplay.getByText("API key must be at least 8 characters").first().waitFor();

      await threeplay.getByLabel("API key").fill(apiKey);
      await threeplay.getByLabel("Turnaround level").fill("3");
      await threeplay.getByRole("button", { name: "Save API key" }).click();
      await owner.page
        .getByRole("status")
        .filter({ hasText: "3Play Media is set up (API key …WXYZ)." })
        .waitFor();
      await threeplay.getByText("ending in …WXYZ").waitFor();
      expect(await threeplay.getByLabel("API key").inputValue()).toBe("");
      expect(await threeplay.getByLabel("Turnaround level").inputValue()).toBe("3");
      await owner.shot("p01-threeplay-set");

      const youtube = owner.page.getByRole("region", { name: "YouTube" });
      await youtube.getByLabel("OAuth client ID").fill(`e2e-${run}.apps.googleusercontent.com`);
      await youtube.getByLabel("OAuth client secret").fill(clientSecret);
      await youtube.getByLabel("Refresh token").fill(refreshToken);
      await youtube.getByRole("button", { name: "Save credentials" }).click();
      await youtube.getByText("ending in …R9T4").waitFor();
      await youtube.getByRole("button", { name: "Replace credentials" }).waitFor();

      // Neither the page nor the API gives a secret back.
      const html = await owner.page.content();
      for (const secret of [apiKey, clientSecret, refreshToken]) expect(html).not.toContain(secret);
      const listed = await api<Providers>(owner, "GET", `/tenants/${tenantId}/providers`);
      expect(JSON.stringify(listed)).not.toContain(apiKey);
      expect(listed.items.find((i) => i.provider === "threeplay")).toMatchObject({
        configured: true,
        hint: "WXYZ",
      });

      await threeplay.getByText("Remove…").click();
      await threeplay.getByRole("button", { name: "Remove 3Play Media" }).click();
      await owner.page
        .getByRole("status")
        .filter({ hasText: "3Play Media's credentials were removed." })
        .waitFor();
      await threeplay.getByText("Not set up.").waitFor();
      await owner.shot("p02-threeplay-removed");
    } finally {
      // Other e2e files upload videos in this tenant: leave no provider steps behind.
      await removeAll(owner, tenantId);
    }
  });

  it("imports a Google Drive folder into a site's media library from the library page", async () => {
    const owner = await open();
    await signIn(owner.page, demoOwner);
    const tenantId = await demoTenantId(owner);
    const site = await courseSite(owner, `Drive ${run}`);
    // A Google account (the fake token endpoint) and a folder with a subfolder, as OCW lays out.
    const grant = {
      clientId: `e2e-drive-${run}.apps.googleusercontent.com`,
      clientSecret: `GOCSPX-drive-${run}`,
      refreshToken: `1//e2e-drive-${run}`,
    };
    const control = (path: string, body: unknown) =>
      fetch(`${providersUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then((r) => {
        if (!r.ok) throw new Error(`${path}: ${r.status}`);
      });
    await control("/__google/grants", grant);
    const folderId = `1E2eDrIvE_${run}`;
    const subId = `1E2eDrIvE_${run}_files`;
    const pdf = "%PDF-1.4\n% e2e\ntrailer << >>\n%%EOF\n";
    await control("/__drive/folders", {
      folderId: subId,
      refreshToken: grant.refreshToken,
      files: [{ name: "problem-set-1.pdf", mimeType: "application/pdf", content: pdf }],
    });
    await control("/__drive/folders", {
      folderId,
      refreshToken: grant.refreshToken,
      files: [
        { name: "syllabus.pdf", mimeType: "application/pdf", content: pdf.replace("e2e", "s") },
        { name: "Notes (Doc)", mimeType: "application/vnd.google-apps.document" },
        { name: "files", mimeType: "application/vnd.google-apps.folder", folderId: subId },
      ],
    });
    try {
      await owner.page.goto(`/t/${tenantId}/providers`);
      const drive = owner.page.getByRole("region", { name: "Google Drive" });
      await drive.getByLabel("OAuth client ID").fill(grant.clientId);
      await drive.getByLabel("OAuth client secret").fill(grant.clientSecret);
      await drive.getByLabel("Refresh token").fill(grant.refreshToken);
      await drive.getByRole("button", { name: "Save credentials" }).click();
      await drive.getByText("ending in").waitFor();

      await owner.page.goto(`/t/${tenantId}/sites/${site.siteId}/media`);
      const section = owner.page.getByRole("region", { name: "Import from Google Drive folder" });
      await section
        .getByLabel("Drive folder ID or link")
        .fill(`https://drive.google.com/drive/folders/${folderId}?usp=sharing`);
      await section.getByRole("button", { name: "Import from Google Drive folder" }).click();
      await section.getByText("Google Drive folder imported: 2 imported, 1 failed.").waitFor();
      const report = section.getByRole("table");
      await report.getByRole("row").filter({ hasText: "files/problem-set-1.pdf" }).waitFor();
      expect(
        await report.getByRole("row").filter({ hasText: "Notes (Doc)" }).textContent(),
      ).toContain("failed");
      await owner.shot("p03-drive-imported");
      const library = owner.page.getByRole("table", { name: "Media files" });
      await library.getByText("syllabus.pdf").waitFor();
      await library.getByText("problem-set-1.pdf").waitFor();
    } finally {
      await removeAll(owner, tenantId);
    }
  });
});
