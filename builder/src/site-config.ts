// The root hugo.toml of a build: the unpacked export is content only (plus the menus in its
// config/_default/, which merge with this file); the rest of the configuration comes from the
// builder's theme folder (builder/theme/site-config.ts), once for the online site and once,
// rewritten in the same source, for the offline copy.
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { siteConfigToml } from "../theme/site-config.ts";

export async function writeSiteConfig(
  source: string,
  options: { theme: string; themesDir: string },
  offline: boolean,
): Promise<void> {
  await writeFile(
    join(source, "hugo.toml"),
    siteConfigToml({ theme: options.theme, themesDir: resolve(options.themesDir), offline }),
  );
}
