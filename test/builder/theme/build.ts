// Builds a golden export with the lectern-course theme as the builder does: unpacked into a
// folder, the root hugo.toml from builder/theme/site-config.ts, Debian's Hugo through runHugo.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type HugoResult, runHugo } from "../../../builder/src/hugo.ts";
import { siteConfigToml, THEME_NAME } from "../../../builder/theme/site-config.ts";
import { unpackGolden } from "./golden.ts";

export const themesDir = fileURLToPath(new URL("../../../builder/theme/", import.meta.url));
export const BASE_URL = "https://course.example.test/";

export type ThemeBuild = {
  source: string;
  output: string;
  hugo: HugoResult;
  /** The export's files (path → content), extras included. */
  files: Map<string, string>;
};

export async function buildGolden(
  name: string,
  work: string,
  opts: { offline?: boolean; extra?: Record<string, string> } = {},
): Promise<ThemeBuild> {
  const source = join(work, "source");
  const output = join(work, "public");
  const files = await unpackGolden(name, source);
  for (const [path, content] of Object.entries(opts.extra ?? {})) {
    await mkdir(dirname(join(source, path)), { recursive: true });
    await writeFile(join(source, path), content);
    files.set(path, content);
  }
  await writeFile(
    join(source, "hugo.toml"),
    siteConfigToml({ theme: THEME_NAME, themesDir, offline: opts.offline ?? false }),
  );
  const hugo = await runHugo({
    sourceDir: source,
    destination: output,
    baseURL: BASE_URL,
    timeoutMs: 60_000,
  });
  return { source, output, hugo, files };
}

/** Every file under `dir`, as sorted "/"-separated relative paths: what the builder uploads. */
export { listFiles } from "../../../builder/src/storage.ts";

export const readOutput = (build: ThemeBuild, path: string) =>
  readFile(join(build.output, path), "utf8");

/** The HTML file Hugo writes for content file `content/<p>.md`. */
export function outputPathOf(contentPath: string, offline: boolean): string {
  const rel = contentPath.replace(/^content\//, "").replace(/\.md$/, "");
  return offline ? `${rel}.html` : `${rel}/index.html`;
}
