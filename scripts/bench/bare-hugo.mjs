// The bare Hugo build next to which a publish is measured: the site's export (the same content
// tree the builder fetches), unpacked and built with the builder's own code (builder/src/unpack.ts,
// builder/theme/site-config.ts for the root hugo.toml, builder/src/hugo.ts for the flags), the
// same theme folder and the live site's base URL, so its output is the deploy's files. Only
// Hugo's run is the "bare" time; the export's download and unpacking are reported apart.
// The builder's modules are TypeScript: loaded through tsx, which the builder runs on too.
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { tsImport } from "tsx/esm/api";
import { ROOT } from "../lib/local-stack.mjs";

/** The themes folder and theme the local builder uses (its settings, builder/src/settings.ts). */
export const THEMES_DIR = resolve(process.env.BUILDER_THEMES_DIR || join(ROOT, "builder/theme"));
const THEME = process.env.BUILDER_THEME || null;

/**
 * @typedef {{
 *   unpackTarGz: (body: ReadableStream<Uint8Array>, dir: string) => Promise<{ files: number, bytes: number }>,
 *   runHugo: (options: { sourceDir: string, destination: string, baseURL: string, timeoutMs: number })
 *     => Promise<{ ok: boolean, code: number | null, log: string, durationMs: number }>,
 *   siteConfigToml: (options: { theme: string, themesDir: string, offline?: boolean }) => string,
 *   THEME_NAME: string,
 * }} BuilderModules
 */

/** @type {Promise<BuilderModules> | null} */
let modules = null;

/** @returns {Promise<BuilderModules>} */
function builderModules() {
  modules ??= (async () => {
    const load = (/** @type {string} */ path) => tsImport(join(ROOT, path), import.meta.url);
    const [unpack, hugo, config] = await Promise.all([
      load("builder/src/unpack.ts"),
      load("builder/src/hugo.ts"),
      load("builder/theme/site-config.ts"),
    ]);
    return {
      unpackTarGz: unpack.unpackTarGz,
      runHugo: hugo.runHugo,
      siteConfigToml: config.siteConfigToml,
      THEME_NAME: config.THEME_NAME,
    };
  })();
  return modules;
}

/**
 * Every file under `dir`, relative and `/`-separated, sorted.
 * @param {string} dir
 * @returns {Promise<string[]>}
 */
export async function listFiles(dir) {
  /** @type {string[]} */
  const out = [];
  const walk = async (/** @type {string} */ d) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.push(relative(dir, path).split("\\").join("/"));
    }
  };
  await walk(dir);
  return out.sort();
}

/**
 * Downloads `…/export` into `work/source`, builds it into `work/public`.
 * @param {{ api: ReturnType<typeof import("./load.mjs").apiClient>, sitePath: string,
 *   baseURL: string, work: string, timeoutMs?: number }} options
 */
export async function bareHugoBuild({ api, sitePath, baseURL, work, timeoutMs = 5 * 60_000 }) {
  const { unpackTarGz, runHugo, siteConfigToml, THEME_NAME } = await builderModules();
  const source = join(work, "source");
  const output = join(work, "public");
  await mkdir(source, { recursive: true });
  const started = performance.now();
  const res = await fetch(`${api.baseUrl}${sitePath}/export`, { headers: api.headers });
  if (res.status !== 200 || !res.body) {
    throw new Error(`GET …/export answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }
  const unpacked = await unpackTarGz(
    /** @type {ReadableStream<Uint8Array>} */ (/** @type {unknown} */ (res.body)),
    source,
  );
  const exportMs = Math.round(performance.now() - started);
  await writeFile(
    join(source, "hugo.toml"),
    siteConfigToml({ theme: THEME ?? THEME_NAME, themesDir: THEMES_DIR, offline: false }),
  );
  const hugo = await runHugo({ sourceDir: source, destination: output, baseURL, timeoutMs });
  if (!hugo.ok) throw new Error(`The bare Hugo build failed:\n${hugo.log.slice(-4000)}`);
  const files = await listFiles(output);
  return {
    exportMs,
    sourceFiles: unpacked.files,
    sourceBytes: unpacked.bytes,
    hugoMs: hugo.durationMs,
    outputFiles: files.length,
    output,
    files,
    /** Hugo's own summary ("Pages | 3005", "Total in … ms"). */
    hugoSummary: hugo.log
      .split("\n")
      .filter((l) => /Pages|Total in/.test(l))
      .map((l) => l.replace(/\s+/g, " ").trim()),
  };
}
