// Importing an OCW course from the sites page, in headless Chromium: the real fixture zip goes
// up from the browser, the report lists what came in and which media files were missing, and
// the new site opens with its pages; a file that is not an archive is refused, creating nothing.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { demoTenantId } from "./app-api.ts";
import { browsersFor, signIn } from "./browser.ts";

const appUrl = inject("appUrl");
const demoOwner = inject("demoOwner");
const person = browsersFor(appUrl);
const run = Date.now().toString(36);

const dir = mkdtempSync(join(tmpdir(), "lectern-import-"));
const zipPath = join(dir, "ocw-ci-test-course.zip");
writeFileSync(
  zipPath,
  Buffer.from(
    readFileSync(
      resolve(import.meta.dirname, "../fixtures/archives/ocw-ci-test-course.zip.b64"),
      "utf8",
    ),
    "base64",
  ),
);
const textPath = join(dir, "notes.zip");
writeFileSync(textPath, "these are notes, not an archive");

describe("import an OCW course", () => {
  it("uploads the fixture course from the sites page and opens the new site", async () => {
    const owner = await person();
    await signIn(owner.page, demoOwner);
    const tenantId = await demoTenantId(owner);
    await owner.page.goto(`/t/${tenantId}/sites`);
    const panel = owner.page.getByRole("region", { name: "Import an OCW course" });

    // Not an archive: refused, with the reason.
    await panel.getByLabel("Archive").setInputFiles(textPath);
    await panel.getByRole("button", { name: "Import" }).click();
    await panel.getByRole("alert").filter({ hasText: "Nothing was imported" }).waitFor();
    expect(await panel.getByRole("alert").textContent()).toMatch(/not a zip, tar\.gz or tar/);

    await panel.getByLabel("Archive").setInputFiles(zipPath);
    await panel.getByLabel("Imported site title").fill(`OCW CI ${run}`);
    await panel.getByLabel("Imported site slug").fill(`ocw-ci-${run}`);
    await panel.getByRole("button", { name: "Import" }).click();
    const done = panel.locator(".notice").filter({ hasText: "Imported" });
    await done.waitFor({ timeout: 60_000 });
    const text = (await done.textContent()) ?? "";
    expect(text).toContain(`OCW CI ${run}`);
    expect(text).toMatch(/18 page/);
    expect(text).toMatch(/29 resource/);
    expect(text).toMatch(/resources refer to files the archive did not contain/);
    await owner.shot("i01-import-report");

    await done.getByRole("link", { name: "Open the site" }).click();
    await owner.page.getByRole("heading", { level: 1, name: `OCW CI ${run}` }).waitFor();
    // Its pages are there, by their OCW titles.
    await owner.page.getByRole("link", { name: "Edit content" }).click();
    await owner.page
      .getByRole("link", { name: /^Pages/ })
      .first()
      .click();
    await owner.page.getByRole("link", { name: "Syllabus", exact: true }).waitFor();
    await owner.shot("i02-imported-pages");
  });
});
