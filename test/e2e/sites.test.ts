// Starters and sites end to end, in headless Chromium against the built Worker: the demo owner
// creates a course site, finds it in the list, sees the collections its starter declares, adds
// a new member as an editor, and uploads a starter (first a broken one, then a working one).
import { describe, expect, inject, it } from "vitest";
import { demoTenantId } from "./app-api.ts";
import { browsersFor, signIn } from "./browser.ts";

const appUrl = inject("appUrl");
const demoOwner = inject("demoOwner");

const PASSWORD = "a long enough e2e password";
const run = Date.now().toString(36);

const person = browsersFor(appUrl);

/** The demo tenant's id, asked of the API with the browser's session (the owner may belong to
 * other tenants that e2e tests made). */
const starterYaml = (widget: string) => `collections:
  - name: units
    label: Units
    category: Content
    folder: content/units
    fields:
      - { label: Title, name: title, widget: string, required: true }
      - { label: Body, name: body, widget: ${widget} }
  - name: syllabus
    label: Syllabus
    category: Settings
    files:
      - file: data/syllabus.json
        name: syllabus
        label: Syllabus
        fields:
          - { label: Summary, name: summary, widget: text }
`;

describe("sites", () => {
  it("creates a course site, shows its collections and adds an editor", async () => {
    const title = `Linear Algebra ${run}`;
    const editorEmail = `editor-${run}@e2e.example`;

    const owner = await person();
    await signIn(owner.page, demoOwner);
    const tenantId = await demoTenantId(owner);
    await owner.page.goto(`/t/${tenantId}`);

    // Sites is in the navigation for everyone; the dashboard counts them.
    await owner.page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Sites" })
      .click();
    await owner.page.waitForURL(`**/t/${tenantId}/sites`);
    await owner.page.getByRole("heading", { level: 1, name: "Sites" }).waitFor();
    expect(await owner.page.title()).toBe("Sites · Demo University · Lectern");

    await owner.page.getByLabel("Title", { exact: true }).fill(title);
    const create = owner.page.getByRole("region", { name: "New site" });
    await create
      .getByLabel("Starter", { exact: true })
      .selectOption({ label: "Course (OCW compatible) · v1" });
    await owner.page.getByRole("button", { name: "Create site" }).click();
    await owner.page
      .getByRole("status")
      .filter({ hasText: `Site “${title}” was created` })
      .waitFor();
    const row = owner.page.getByRole("row", { name: new RegExp(title) });
    expect(await row.textContent()).toContain("Site admin");
    expect(await row.textContent()).toContain("Not published yet");
    await owner.shot("s01-site-created-in-list");

    // The search finds it.
    await owner.page.getByLabel("Search").fill(`algebra ${run}`);
    await owner.page.getByRole("button", { name: "Apply" }).click();
    await owner.page.waitForURL(/[?&]q=/);
    await owner.page.getByRole("heading", { name: /Matching sites/ }).waitFor();
    expect(await owner.page.getByRole("row").count()).toBe(2);

    // The site's home lists what the Course starter declares.
    await owner.page.getByRole("link", { name: title }).click();
    await owner.page.getByRole("heading", { level: 1, name: title }).waitFor();
    expect(await owner.page.title()).toBe(`${title} · Demo University · Lectern`);
    const collections = owner.page.locator(".collection-list");
    for (const label of ["Pages", "Resources", "Course metadata"]) {
      await collections.getByText(label, { exact: true }).waitFor();
    }
    expect(await owner.page.getByRole("main").textContent()).toContain("Not published yet");
    await owner.shot("s02-site-home");
    const siteUrl = owner.page.url();

    // A new member joins through an invitation…
    await owner.page.goto(`/t/${tenantId}/members`);
    await owner.page.getByLabel("Email").fill(editorEmail);
    await owner.page.getByLabel("Role", { exact: true }).selectOption("member");
    await owner.page.getByRole("button", { name: "Create invitation" }).click();
    const link = await owner.page.getByTestId("invitation-link").getByRole("textbox").inputValue();
    const editor = await person();
    await editor.page.goto(link);
    await editor.page.getByLabel("Your name").fill("Eddie Editor");
    await editor.page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await editor.page.getByLabel("Password (again)").fill(PASSWORD);
    await editor.page.getByRole("button", { name: "Create account and join" }).click();
    await editor.page.waitForURL(/\/t\/ten_[0-9A-Z]{26}$/);
    // …and, as a plain member, sees no site yet.
    await editor.page.goto(`/t/${tenantId}/sites`);
    await editor.page.getByText("You do not collaborate on any site yet").waitFor();

    // The owner adds them to the site as an editor.
    await owner.page.goto(siteUrl);
    await owner.page
      .getByLabel("Member", { exact: true })
      .selectOption({ label: `Eddie Editor (${editorEmail})` });
    await owner.page.getByLabel("Site role", { exact: true }).selectOption("editor");
    await owner.page.getByRole("button", { name: "Add collaborator" }).click();
    await owner.page
      .getByRole("status")
      .filter({ hasText: "Eddie Editor was added as Editor." })
      .waitFor();
    await owner.page.getByRole("row", { name: /Eddie Editor/ }).waitFor();
    await owner.shot("s03-collaborator-added");

    // Now the editor sees the site, as an editor, without the admin forms.
    await editor.page.reload();
    const editorRow = editor.page.getByRole("row", { name: new RegExp(title) });
    expect(await editorRow.textContent()).toContain("Editor");
    await editorRow.getByRole("link", { name: title }).click();
    await editor.page.getByRole("heading", { level: 1, name: title }).waitFor();
    expect(await editor.page.getByRole("button", { name: "Save settings" }).count()).toBe(0);
    expect(await editor.page.getByRole("button", { name: "Add collaborator" }).count()).toBe(0);
    // Starters are for owners and admins only.
    const nav = editor.page.getByRole("navigation", { name: "Main" });
    expect(await nav.getByRole("link", { name: "Starters" }).count()).toBe(0);
    await editor.shot("s04-editor-site-home");

    // The owner archives the site; the list hides it unless asked.
    await owner.page.getByText("Archive site…").click();
    await owner.page.getByRole("button", { name: `Archive ${title}` }).click();
    await owner.page.getByRole("status").filter({ hasText: "The site was archived." }).waitFor();
    await owner.page.getByRole("button", { name: "Restore site" }).waitFor();
    await owner.page.goto(`/t/${tenantId}/sites?archived=only&q=${run}`);
    await owner.page
      .getByRole("row", { name: new RegExp(title) })
      .getByText("Archived")
      .waitFor();
  });

  it("uploads a starter: path errors first, then a working one", async () => {
    const owner = await person();
    await signIn(owner.page, demoOwner);
    const tenantId = await demoTenantId(owner);
    await owner.page.goto(`/t/${tenantId}`);
    await owner.page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Starters" })
      .click();
    await owner.page.waitForURL(`**/t/${tenantId}/starters`);
    await owner.page
      .getByRole("row", { name: /Course/ })
      .getByText("Built-in")
      .first()
      .waitFor();

    const name = `Seminar ${run}`;
    await owner.page.getByLabel("Name", { exact: true }).fill(name);
    await owner.page.getByLabel("Slug").fill(`seminar-${run}`);
    await owner.page.getByLabel("Starter YAML").fill(starterYaml("wysiwyg"));
    await owner.page.getByRole("button", { name: "Upload starter" }).click();
    const problems = owner.page.locator(".problem-list");
    await problems.waitFor();
    expect(await problems.textContent()).toContain("collections[0].fields[1].widget");
    expect(
      await owner.page.getByRole("region", { name: "There is a problem" }).textContent(),
    ).toContain("The starter has a problem");
    // What was typed is still there to correct.
    expect(await owner.page.getByLabel("Starter YAML").inputValue()).toContain("wysiwyg");
    await owner.shot("s05-starter-path-error");

    await owner.page.getByLabel("Starter YAML").fill(starterYaml("markdown"));
    await owner.page.getByRole("button", { name: "Upload starter" }).click();
    await owner.page
      .getByRole("status")
      .filter({ hasText: `Starter “${name}” was uploaded` })
      .waitFor();
    await owner.page.getByRole("row", { name: new RegExp(name) }).waitFor();
    await owner.shot("s06-starter-uploaded");

    // Its page lists the collections and takes a new version.
    await owner.page.getByRole("link", { name }).click();
    await owner.page.getByRole("heading", { level: 1, name }).waitFor();
    await owner.page.locator(".collection-label", { hasText: "Syllabus" }).waitFor();
    await owner.page.getByLabel("Starter YAML").fill(starterYaml("text"));
    await owner.page.getByRole("button", { name: "Upload version 2" }).click();
    await owner.page.getByRole("status").filter({ hasText: "Version 2 of" }).waitFor();
    await owner.page.getByRole("row", { name: /v2/ }).getByText("Current").waitFor();
    await owner.shot("s07-starter-version-2");

    // Deactivated, it is no longer offered for new sites.
    await owner.page.getByRole("button", { name: `Deactivate ${name}` }).click();
    await owner.page.getByRole("status").filter({ hasText: "is inactive" }).waitFor();
    await owner.page.goto(`/t/${tenantId}/sites`);
    const offered = await owner.page.locator("#create-starterId option").allTextContents();
    expect(offered.some((o) => o.includes(name))).toBe(false);
  });

  it("fits a phone and works before JavaScript", async () => {
    const phone = await person({ viewport: { width: 375, height: 740 }, javaScriptEnabled: false });
    await signIn(phone.page, demoOwner);
    const tenantId = await demoTenantId(phone);
    await phone.page.goto(`/t/${tenantId}/sites`);
    // Without JavaScript the server checks the form.
    await phone.page.getByRole("button", { name: "Create site" }).click();
    await phone.page.waitForLoadState("load");
    expect(
      await phone.page.getByRole("region", { name: "There is a problem" }).textContent(),
    ).toContain("Title is required");
    const overflow = await phone.page.evaluate(
      "document.documentElement.scrollWidth - document.documentElement.clientWidth",
    );
    expect(overflow).toBe(0);
    await phone.shot("s08-phone-sites-no-js");

    // The same form, filled in, creates the site; the page links to it.
    const title = `Phone Course ${run}`;
    await phone.page.getByLabel("Title", { exact: true }).fill(title);
    await phone.page.getByRole("button", { name: "Create site" }).click();
    await phone.page.getByRole("link", { name: `Open ${title}` }).click();
    await phone.page.getByRole("heading", { name: /^Collections/ }).waitFor();
    const overflowSite = await phone.page.evaluate(
      "document.documentElement.scrollWidth - document.documentElement.clientWidth",
    );
    expect(overflowSite).toBe(0);
    await phone.shot("s09-phone-site-home");

    await phone.page.goto(`/t/${tenantId}/starters`);
    const overflowStarters = await phone.page.evaluate(
      "document.documentElement.scrollWidth - document.documentElement.clientWidth",
    );
    expect(overflowStarters).toBe(0);
    await phone.shot("s10-phone-starters");
  });
});
