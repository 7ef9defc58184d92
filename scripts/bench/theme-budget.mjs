// The theme's weight on a built site, gzip-compressed as a CDN would send it: the publish
// benchmark reports it per build (issue 5's theme budget), and the theme tests
// (test/builder/theme/budget.ts re-exports this) keep it within bounds.
import { readdir, readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { gzipSync } from "node:zlib";

/**
 * @typedef {{
 *   htmlBytesPerPage: number,
 *   cssBytes: number,
 *   jsBytes: number,
 *   htmlPages: number,
 * }} ThemeBudget
 *   htmlBytesPerPage: mean gzip size of the HTML pages; cssBytes / jsBytes: total gzip size of
 *   every stylesheet / script; htmlPages: how many HTML files were measured
 */

/**
 * @param {string} dir
 * @returns {AsyncGenerator<string>}
 */
async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

const gzipSize = (/** @type {Buffer} */ bytes) => gzipSync(bytes, { level: 9 }).length;

/**
 * Measures Hugo's output folder `outputDir`.
 * @param {string} outputDir
 * @returns {Promise<ThemeBudget>}
 */
export async function themeBudget(outputDir) {
  let pages = 0;
  let html = 0;
  let cssBytes = 0;
  let jsBytes = 0;
  for await (const path of files(outputDir)) {
    const ext = extname(path).toLowerCase();
    if (ext !== ".html" && ext !== ".css" && ext !== ".js" && ext !== ".mjs") continue;
    const size = gzipSize(await readFile(path));
    if (ext === ".html") {
      pages += 1;
      html += size;
    } else if (ext === ".css") cssBytes += size;
    else jsBytes += size;
  }
  return {
    htmlBytesPerPage: pages === 0 ? 0 : Math.round(html / pages),
    cssBytes,
    jsBytes,
    htmlPages: pages,
  };
}
