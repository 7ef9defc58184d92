// The theme's weight on a built site, gzip-compressed as a CDN would send it: the bench
// reports it per build (issue 5's theme budget).
import { readdir, readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { gzipSync } from "node:zlib";

export type ThemeBudget = {
  /** Mean gzip size of the HTML pages. */
  htmlBytesPerPage: number;
  /** Total gzip size of every stylesheet. */
  cssBytes: number;
  /** Total gzip size of every script. */
  jsBytes: number;
};

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

const gzipSize = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).length;

/** Measures Hugo's output folder `outputDir`. */
export async function themeBudget(outputDir: string): Promise<ThemeBudget> {
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
  return { htmlBytesPerPage: pages === 0 ? 0 : Math.round(html / pages), cssBytes, jsBytes };
}
