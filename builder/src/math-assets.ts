// KaTeX's files for the pages that render math in the browser (the theme links them from
// `_lectern/katex/` on those pages only; assets/js/math.js renders each formula).
//
// Decisions:
// - Added to a built site only when one of its pages links them: a course without math ships
//   none of KaTeX's ~300 KB, and its theme weight is what its readers load.
// - From the `katex` npm package the builder depends on (its container installs it), never
//   from a CDN: published sites make no third-party requests, and the offline copy has them.
// - Only the woff2 fonts: every browser that runs KaTeX reads woff2, the first source its
//   stylesheet names; the woff and ttf fallbacks would only add bytes to every deploy.
import { copyFile, mkdir, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** Where the theme links KaTeX's files, relative to the site's root. */
export const MATH_ASSETS_DIR = "_lectern/katex";

const KATEX_DIST = dirname(createRequire(import.meta.url).resolve("katex"));

/** Whether a built page links KaTeX (the theme does so only where there is math). */
export function linksMath(html: string): boolean {
  return html.includes(`${MATH_ASSETS_DIR}/katex.min.js`);
}

/** Copies KaTeX's script, stylesheet and woff2 fonts into a site whose pages link them. */
export async function copyMathAssets(siteDir: string): Promise<void> {
  const target = join(siteDir, MATH_ASSETS_DIR);
  await mkdir(join(target, "fonts"), { recursive: true });
  await copyFile(join(KATEX_DIST, "katex.min.js"), join(target, "katex.min.js"));
  await copyFile(join(KATEX_DIST, "katex.min.css"), join(target, "katex.min.css"));
  for (const font of await readdir(join(KATEX_DIST, "fonts"))) {
    if (font.endsWith(".woff2")) {
      await copyFile(join(KATEX_DIST, "fonts", font), join(target, "fonts", font));
    }
  }
}
