// The full-text search index of a built site: Pagefind (npm `pagefind`, its binary from the
// platform package `@pagefind/<os>-<cpu>`) reads Hugo's output and writes `pagefind/` into it,
// which the theme's search page (layouts/index.search.html, assets/js/search.js) loads.
//
// Decisions:
// - The binary is run through tool-process.ts, like Hugo, rather than through Pagefind's Node
//   API: the API talks to one shared service process per builder, which only stops as a whole
//   (an abort would break the other jobs' indexing), has no time limit, and inherits the
//   builder's environment (secrets, PAGEFIND_* overrides). Here each build runs its own
//   Pagefind with a time limit, stopped with its process group on abort, its output in the log.
// - Pagefind runs in an empty directory of its own: it reads `pagefind.{yml,toml,json}` from its
//   working directory, and nothing a site publishes may configure it.
// - What is indexed is what the theme marks `data-pagefind-body` (the content of a page, not
//   the menus around it); pages without it (the search page, 404) are left out.
// - Only what the theme loads is kept: Pagefind's own UIs (pagefind-ui.*, the modular and
//   component UIs, the highlighter) are removed, so a deploy carries no unused scripts.
// - Offline (opened from file://) browsers refuse fetch(), module scripts and workers from the
//   disk, so the offline copy gets one classic script instead, `OFFLINE_SEARCH_BUNDLE`: Pagefind's
//   search module as text and every index file as base64. The theme's search script imports the
//   module from a blob: URL and answers Pagefind's fetches from the bundle. The other files are
//   removed from the offline copy: the bundle holds all of them. Result URLs keep `index.html`
//   there (`--keep-index-url`), as a folder does not open its index page by itself.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { OFFLINE_SEARCH_BUNDLE, SEARCH_INDEX_DIR } from "../theme/site-config.ts";
import { notStarted, runTool, type ToolResult } from "./tool-process.ts";

export type IndexSiteOptions = {
  /** Hugo's output folder; the index is written to its `pagefind/`. */
  siteDir: string;
  /** The offline copy: the index as one script that works from file://. */
  offline: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  /** The Pagefind binary; the one of the installed platform package by default. */
  pagefindBin?: string;
  killGraceMs?: number;
};

export type SearchIndexResult = ToolResult & {
  /** Pages in the index, as Pagefind reported them (null when it did not say). */
  pages: number | null;
};

/** Pagefind's own UIs: the theme has its own small one (assets/js/search.js). */
const UNUSED_FILES = /^pagefind-(ui|modular-ui|component-ui|highlight)\.(js|css)$/;

/** The binary of the installed `@pagefind/<platform>-<cpu>` package, or null. */
export function pagefindBinary(): string | null {
  const fromEnv = process.env.PAGEFIND_BIN;
  if (fromEnv) return fromEnv;
  const require = createRequire(import.meta.url);
  const platform = process.platform === "win32" ? "windows" : process.platform;
  // The extended binary also segments Chinese, Japanese and Thai text.
  for (const name of ["pagefind_extended", "pagefind"]) {
    try {
      return require.resolve(`@pagefind/${platform}-${process.arch}/bin/${name}`);
    } catch {}
  }
  return null;
}

/** Pagefind's version ("1.6.0"), or null when its binary is missing or does not answer. */
export async function pagefindVersion(): Promise<string | null> {
  const command = pagefindBinary();
  if (!command) return null;
  const result = await runTool({
    name: "pagefind",
    command,
    args: ["--version"],
    cwd: dirname(command),
    timeoutMs: 10_000,
  });
  return result.ok ? (/(\d+\.\d+\.\d+)/.exec(result.log)?.[1] ?? null) : null;
}

export async function indexSite(options: IndexSiteOptions): Promise<SearchIndexResult> {
  const { siteDir, offline, timeoutMs, signal } = options;
  const command = options.pagefindBin ?? pagefindBinary();
  if (!command) {
    return {
      ...notStarted(
        `pagefind is not installed: no @pagefind/${process.platform}-${process.arch} package`,
      ),
      pages: null,
    };
  }
  if (signal?.aborted) return { ...notStarted("not started: aborted", true), pages: null };
  const bundleDir = join(siteDir, SEARCH_INDEX_DIR);
  // A site that publishes its own pagefind/ folder gets ours instead.
  await rm(bundleDir, { recursive: true, force: true });
  const cwd = await mkdtemp(join(dirname(siteDir), "pagefind-"));
  let result: ToolResult;
  try {
    result = await runTool({
      name: "pagefind",
      command,
      args: [
        "--site",
        siteDir,
        "--output-subdir",
        SEARCH_INDEX_DIR,
        ...(offline ? ["--keep-index-url"] : []),
      ],
      cwd,
      timeoutMs,
      ...(signal ? { signal } : {}),
      ...(options.killGraceMs !== undefined ? { killGraceMs: options.killGraceMs } : {}),
    });
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
  const pages = Number(/Indexed (\d+) pages?/.exec(result.log)?.[1] ?? Number.NaN);
  const indexed = { ...result, pages: Number.isNaN(pages) ? null : pages };
  if (!result.ok) return indexed;
  if (!existsSync(join(bundleDir, "pagefind.js"))) {
    return {
      ...indexed,
      ok: false,
      log: `${result.log}\npagefind wrote no ${SEARCH_INDEX_DIR}/\n`,
    };
  }
  for (const name of await readdir(bundleDir)) {
    if (UNUSED_FILES.test(name)) await rm(join(bundleDir, name));
  }
  if (offline) await writeOfflineBundle(siteDir);
  return indexed;
}

/**
 * Replaces the offline copy's `pagefind/` with the one script the theme loads from file://:
 * `window.lecternSearchBundle = { version, script, files }`, where `script` is Pagefind's
 * search module (pagefind.js) and `files` every index file by its path under `pagefind/`,
 * base64-encoded.
 */
async function writeOfflineBundle(siteDir: string): Promise<void> {
  const bundleDir = join(siteDir, SEARCH_INDEX_DIR);
  const script = await readFile(join(bundleDir, "pagefind.js"), "utf8");
  const files: Record<string, string> = {};
  for (const path of await filesUnder(bundleDir)) {
    // The scripts and styles: pagefind.js goes in as `script`, the worker cannot run offline.
    if (/\.(js|css)$/.test(path)) continue;
    files[path] = (await readFile(join(bundleDir, path))).toString("base64");
  }
  const version = /pagefind_version\s*=\s*"([^"]+)"/.exec(script)?.[1] ?? null;
  await rm(bundleDir, { recursive: true, force: true });
  const target = join(siteDir, OFFLINE_SEARCH_BUNDLE);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(
    target,
    "// Pagefind's search index for reading this course from disk, where browsers do not let\n" +
      "// a page fetch files: written by the Lectern builder, loaded by the search page.\n" +
      `window.lecternSearchBundle=${JSON.stringify({ version, script, files })};\n`,
  );
}

/** Files under `dir`, as `/`-separated paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .sort();
}
