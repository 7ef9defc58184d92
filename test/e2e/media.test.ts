// The media library page in headless Chromium against the local stack: several files dropped
// into the uploader at once (one large enough to go up in two parts), a progress bar per file,
// a file whose bytes lie about its extension refused on its own, and the uploaded files listed
// with their type, size and checksum, each backed by an editable resource; a zip of files
// imported in one go, its bad file failing alone.
import { createHash, randomBytes } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { buildZip } from "../support/archive-builders.ts";
import { courseSite } from "./app-api.ts";
import { browsersFor, signIn } from "./browser.ts";

const appUrl = inject("appUrl");
const demoOwner = inject("demoOwner");
const open = browsersFor(appUrl);
const run = Date.now().toString(36);

const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngLike(size: number) {
  const bytes = randomBytes(size);
  PNG_HEAD.copy(bytes, 0);
  return bytes;
}

describe("media library", () => {
  it("uploads many files with progress, refuses a lying one, lists the rest", async () => {
    const owner = await open();
    owner.context.setDefaultTimeout(30_000);
    await signIn(owner.page, demoOwner);
    const site = await courseSite(owner, `Media ${run}`);

    // From the site page to its library.
    await owner.page.goto(`/t/${site.tenantId}/sites/${site.siteId}`);
    await owner.page.getByRole("link", { name: "Media library" }).click();
    await owner.page.getByRole("heading", { level: 1, name: "Media library" }).waitFor();

    const big = pngLike(10 * 1024 * 1024 + 300_000); // two parts
    const pdf = Buffer.from(`%PDF-1.4\n${"syllabus ".repeat(200)}\n%%EOF\n`);
    const image = { name: `diagram-${run}.png`, mimeType: "image/png", buffer: big };
    const doc = { name: `syllabus-${run}.pdf`, mimeType: "application/pdf", buffer: pdf };
    const fake = { name: `fake-${run}.pdf`, mimeType: "application/pdf", buffer: pngLike(2000) };
    const files = [image, doc, fake];
    await owner.page.getByTestId("media-file-input").setInputFiles(files);

    const uploads = owner.page.getByRole("list", { name: "Uploads" });
    const row = (name: string) => uploads.locator("li", { hasText: name });
    await row(image.name).and(owner.page.locator('[data-state="done"]')).waitFor();
    await row(doc.name).and(owner.page.locator('[data-state="done"]')).waitFor();
    await row(fake.name).and(owner.page.locator('[data-state="failed"]')).waitFor();

    // Each file had its own progress bar, full for the uploaded ones.
    const bar = owner.page.getByRole("progressbar", { name: `${image.name} upload progress` });
    expect(await bar.getAttribute("value")).toBe(String(big.byteLength));
    await expect
      .poll(() => row(fake.name).textContent())
      .toContain(`fake-${run}.pdf: the name says .pdf, but the content is a PNG image`);

    // The list shows the files once the page reloads its data.
    const table = owner.page.getByRole("table", { name: "Media files" });
    const listed = (name: string) => table.getByRole("row").filter({ hasText: name });
    await listed(image.name).waitFor();
    await listed(doc.name).waitFor();
    const sha = createHash("sha256").update(big).digest("hex");
    expect(await listed(image.name).textContent()).toContain(`SHA-256 ${sha.slice(0, 12)}`);
    expect(await listed(image.name).textContent()).toContain("Image");
    expect(await listed(doc.name).textContent()).toContain("Document");
    // The refused file stays visible as failed, with its reason.
    expect(await listed(fake.name).textContent()).toContain("failed");

    // A zip of files in one go: each file on its own, a bad one failing alone.
    const zip = await buildZip([
      {
        name: `handouts/reading-${run}.pdf`,
        data: pdf.toString("latin1").replace("syllabus", "reading"),
      },
      { name: `handouts/chart-${run}.png`, data: pdf },
    ]);
    await owner.page.getByTestId("media-zip-input").setInputFiles({
      name: `handouts-${run}.zip`,
      mimeType: "application/zip",
      buffer: Buffer.from(zip),
    });
    const report = owner.page.getByRole("table", { name: "Zip import report" });
    await report.waitFor();
    expect(await report.locator('[data-import-status="imported"]').textContent()).toContain(
      `handouts/reading-${run}.pdf`,
    );
    expect(await report.locator('[data-import-status="failed"]').textContent()).toContain(
      `chart-${run}.png: the name says .png, but the content is a PDF`,
    );
    await listed(`reading-${run}.pdf`).waitFor();

    // Each uploaded file is a resource whose title, alt text and license are edited as usual.
    await listed(image.name).getByRole("link", { name: "Edit resource" }).click();
    await owner.page.getByRole("heading", { level: 1 }).waitFor();
    expect(await owner.page.getByLabel("Title").first().inputValue()).toBe(`diagram-${run}`);
  });
});
