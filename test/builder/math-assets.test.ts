// KaTeX's files go into a built site only when one of its pages links them (the page scan of
// build-report.ts says so; the builder then copies them).
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { scanPages } from "../../builder/src/build-report.ts";
import { copyMathAssets, linksMath, MATH_ASSETS_DIR } from "../../builder/src/math-assets.ts";

let dir = "";
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function site(pages: Record<string, string>) {
  dir = await mkdtemp(join(tmpdir(), "lectern-math-"));
  for (const [path, html] of Object.entries(pages)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), html);
  }
  return dir;
}

describe("math assets", () => {
  it("copies KaTeX's script, stylesheet and woff2 fonts when a page links them", async () => {
    const root = await site({
      "index.html": "<h1>Home</h1>",
      "pages/m/index.html": `<script src="/${MATH_ASSETS_DIR}/katex.min.js" defer></script>`,
    });
    expect((await scanPages(root)).usesMath).toBe(true);
    await copyMathAssets(root);
    const files = await readdir(join(root, MATH_ASSETS_DIR));
    expect(files.sort()).toEqual(["fonts", "katex.min.css", "katex.min.js"]);
    const fonts = await readdir(join(root, MATH_ASSETS_DIR, "fonts"));
    expect(fonts.length).toBeGreaterThan(10);
    expect(fonts.every((f) => f.endsWith(".woff2"))).toBe(true);
  });

  it("finds no math in a site whose pages do not link KaTeX", async () => {
    const root = await site({ "index.html": "<h1>Home</h1>", "a/index.html": "<p>katex</p>" });
    expect((await scanPages(root)).usesMath).toBe(false);
    expect(linksMath("<p>katex.min.js</p>")).toBe(false);
    expect(linksMath(`<script src="../${MATH_ASSETS_DIR}/katex.min.js" defer></script>`)).toBe(
      true,
    );
  });
});
