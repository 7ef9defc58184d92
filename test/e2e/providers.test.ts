// The Media providers page in headless Chromium against the built Worker (local mode: the
// encryption key derives from AUTH_SECRET): an owner sets 3Play Media's API key (refused first
// at the field), sees only its last characters, replaces YouTube's credentials, and removes
// them; the secrets never reach the page or the API's answers.
import { describe, expect, inject, it } from "vitest";
import { api, demoTenantId } from "./app-api.ts";
import { browsersFor, type Person, signIn } from "./browser.ts";

const appUrl = inject("appUrl");
const demoOwner = inject("demoOwner");
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
});
