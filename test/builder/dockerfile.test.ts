// builder/Dockerfile cannot be built here (no Docker engine), so what can go stale in it is
// checked against the repository: every COPY source exists, and every module of the repository
// that the builder's entry point reaches (schemas/, the shared workers/domain modules, the
// theme's site-config.ts) is inside something the bundle stage copies.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const dockerfile = readFileSync(join(ROOT, "builder/Dockerfile"), "utf8");

/** Sources of COPY instructions that read the build context (not another stage). */
function contextCopies(): string[] {
  return dockerfile
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /^COPY\s/i.test(line) && !/--from=/i.test(line))
    .flatMap((line) => {
      const parts = line
        .split(/\s+/)
        .slice(1)
        .filter((part) => !part.startsWith("--"));
      return parts.slice(0, -1);
    });
}

/** Repository files reachable by import from `entry` (node_modules and node: excluded). */
function reachable(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
      const target = resolveImport(file, specifier as string);
      if (target) visit(target);
    }
  };
  visit(entry);
  return [...seen].map((file) => relative(ROOT, file)).sort();
}

function resolveImport(from: string, specifier: string): string | null {
  let path: string;
  if (specifier.startsWith("#schemas/")) path = join(ROOT, "schemas", specifier.slice(9));
  else if (specifier.startsWith("#workers/")) path = join(ROOT, "workers", specifier.slice(9));
  else if (specifier.startsWith("#web/")) path = join(ROOT, "web", specifier.slice(5));
  else if (specifier.startsWith(".")) path = resolve(dirname(from), specifier);
  else return null;
  for (const candidate of [path, `${path}.ts`]) {
    if (existsSync(candidate) && candidate.endsWith(".ts")) return candidate;
  }
  throw new Error(`${relative(ROOT, from)} imports ${specifier}, which is not a file here`);
}

describe("builder/Dockerfile", () => {
  it("copies only paths that exist", () => {
    const sources = contextCopies();
    expect(sources).toEqual(expect.arrayContaining(["schemas", "builder", "builder/theme"]));
    for (const source of sources) expect(existsSync(join(ROOT, source)), source).toBe(true);
  });

  it("copies every repository module the builder imports into the bundle stage", () => {
    const copied = contextCopies();
    const files = reachable(join(ROOT, "builder/src/server.ts"));
    expect(files).toEqual(
      expect.arrayContaining([
        "builder/src/site-build.ts",
        "schemas/build-job.ts",
        "workers/domain/job-signing.ts",
        "workers/domain/purge.ts",
        "builder/theme/site-config.ts",
      ]),
    );
    const missing = files.filter(
      (file) => !copied.some((source) => file === source || file.startsWith(`${source}/`)),
    );
    expect(missing).toEqual([]);
  });

  it("installs the builder's tools: Hugo and ffmpeg from Debian, Pagefind with its platform binary", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    // The runtime stage installs production dependencies only.
    expect(pkg.dependencies.pagefind).toMatch(/^\d+\.\d+\.\d+$/);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    expect(runtime).toMatch(/apt-get install [^\n]*\bhugo\b/);
    // The media jobs (builder/src/media-jobs.ts) run ffmpeg and ffprobe (Debian's ffmpeg).
    expect(runtime).toMatch(/apt-get install [^\n]*\bffmpeg\b/);
    expect(runtime).toMatch(/^RUN npm ci --omit=dev\b/m);
    // The binary is an optional dependency (@pagefind/<os>-<cpu>).
    expect(runtime).not.toMatch(/--omit=optional|--no-optional/);
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));
    for (const platform of ["linux-x64", "linux-arm64"]) {
      expect(lock.packages[`node_modules/@pagefind/${platform}`]?.version).toBe(
        pkg.dependencies.pagefind,
      );
    }
  });

  it("runs as production, not as root, with the theme where the builder looks for it", () => {
    expect(dockerfile).toMatch(/^ENV .*NODE_ENV=production/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    const themesDir = /BUILDER_THEMES_DIR=(\S+)/.exec(dockerfile)?.[1];
    expect(themesDir).toBe("/app/theme");
    expect(dockerfile).toMatch(/^WORKDIR \/app$/m);
    expect(dockerfile).toMatch(/^COPY builder\/theme \.\/theme$/m);
  });
});
