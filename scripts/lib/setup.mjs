// Makes a fresh clone runnable; shared by `npm start` and `npm test`. Each step is skipped
// when its result is already there, so a second run costs well under a second.
//   1. npm dependencies: `npm ci` when node_modules is missing or package-lock.json changed
//      since the last install (a hash of the lock file is kept in node_modules/.cache); an
//      install that already matches the lock file is adopted without reinstalling.
//   2. System tools from Debian: hugo (the builder), ffmpeg (the builder's media jobs: ffmpeg
//      and ffprobe) and chromium (end-to-end tests), when missing and we are root; otherwise a
//      warning saying what will not work.
//   3. .dev.vars with a random AUTH_SECRET.
// `wrangler types` is not run: its output, worker-configuration.d.ts, is committed.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureDevVars, ROOT } from "./local-stack.mjs";

const STAMP = join(ROOT, "node_modules/.cache/lectern-setup/package-lock.sha256");

function say(message) {
  console.log(`[setup] ${message}`);
}

function lockHash() {
  return createHash("sha256")
    .update(readFileSync(join(ROOT, "package-lock.json")))
    .digest("hex");
}

/**
 * True when node_modules holds exactly what package-lock.json asks for, judged by npm's own
 * record of the last install (node_modules/.package-lock.json). Lets an install made before
 * the stamp existed (or with the stamp deleted) be adopted without reinstalling.
 */
function installMatchesLock() {
  const hiddenFile = join(ROOT, "node_modules/.package-lock.json");
  if (!existsSync(hiddenFile)) return false;
  try {
    const wanted = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")).packages;
    const installed = JSON.parse(readFileSync(hiddenFile, "utf8")).packages;
    for (const [path, meta] of Object.entries(wanted)) {
      if (path === "") continue;
      // Optional packages for other platforms are never installed.
      if (!installed[path]) {
        if (meta.optional) continue;
        return false;
      }
      if (installed[path].version !== meta.version) return false;
    }
    return true;
  } catch {
    return false;
  }
}

function npm(args) {
  return spawnSync("npm", args, { cwd: ROOT, stdio: "inherit" }).status === 0;
}

/** `npm ci`, its output shown only in short when it fails (npm prints its whole usage). */
function npmCi() {
  const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status === 0) {
    process.stdout.write(r.stdout);
    return true;
  }
  const errors = `${r.stdout}${r.stderr}`
    .split("\n")
    .filter((l) => l.startsWith("npm error") && !l.startsWith("npm error   "))
    .slice(0, 6);
  console.log(errors.join("\n"));
  return false;
}

function ensureDependencies() {
  const hash = lockHash();
  const hasModules = existsSync(join(ROOT, "node_modules/.bin"));
  if (hasModules && existsSync(STAMP) && readFileSync(STAMP, "utf8").trim() === hash) return;
  if (!hasModules || !installMatchesLock()) {
    say(hasModules ? "package-lock.json changed: npm ci" : "no node_modules: npm ci");
    if (!npmCi()) {
      // npm 11's `npm ci` refuses a lock file that lacks other platforms' optional packages
      // (@biomejs/cli-*, @rollup/rollup-*), which is how the lock file comes out of the registry
      // this project is developed against. `npm install --no-save` installs the same locked
      // versions and leaves package.json and the lock file alone.
      say("npm ci failed; retrying with npm install --no-save (same locked versions)");
      if (!npm(["install", "--no-save", "--no-audit", "--no-fund"])) {
        throw new Error("npm could not install the dependencies");
      }
    }
  }
  mkdirSync(join(STAMP, ".."), { recursive: true });
  // Hash again: an install may have rewritten the lock file.
  writeFileSync(STAMP, `${lockHash()}\n`);
}

function has(binary) {
  return spawnSync("sh", ["-c", `command -v ${binary}`], { stdio: "ignore" }).status === 0;
}

/** Debian packages by the binary they provide. */
const systemTools = [
  { binary: "hugo", pkg: "hugo", why: "the builder cannot build sites" },
  {
    binary: "ffmpeg",
    pkg: "ffmpeg",
    why: "the builder cannot transcode videos or make thumbnails (media jobs fail)",
  },
  { binary: "chromium", pkg: "chromium", why: "the end-to-end tests cannot run" },
];

function ensureSystemTools() {
  const missing = systemTools.filter((t) => !has(t.binary));
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !has("apt-get")) {
    for (const t of missing) {
      say(
        `warning: ${t.binary} is not installed, so ${t.why}. Install it: apt-get install ${t.pkg}`,
      );
    }
    return;
  }
  const pkgs = missing.map((t) => t.pkg);
  say(`installing ${pkgs.join(", ")} from Debian`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const apt = (args) => spawnSync("apt-get", args, { stdio: "inherit", env }).status === 0;
  if (!apt(["update"]) || !apt(["install", "-y", "--no-install-recommends", ...pkgs])) {
    throw new Error(`apt-get could not install ${pkgs.join(", ")}`);
  }
}

export function setup() {
  ensureDependencies();
  ensureSystemTools();
  if (ensureDevVars()) say("wrote .dev.vars with a new random AUTH_SECRET");
}
