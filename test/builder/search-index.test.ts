// indexSite with the installed Pagefind on a small site, and with stand-in binaries for what
// Pagefind will not do on demand (fail, hang, ignore its working directory).
import { access, chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { indexSite, pagefindBinary, pagefindVersion } from "../../builder/src/search-index.ts";

let work: string;
let site: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "lectern-search-index-test-"));
  site = join(work, "public");
  await mkdir(join(site, "notes"), { recursive: true });
  const page = (title: string, text: string) =>
    `<!doctype html><html lang="en"><head><title>${title}</title></head><body>` +
    `<nav>Menu words</nav><main data-pagefind-body><h1>${title}</h1><p>${text}</p></main>` +
    "</body></html>";
  await writeFile(join(site, "index.html"), page("Home", "Welcome to mechanics."));
  await writeFile(join(site, "notes/index.html"), page("Notes", "Conservation of momentum."));
  await writeFile(join(site, "404.html"), "<!doctype html><html><body><h1>Gone</h1></body></html>");
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

/** An executable script standing in for Pagefind. */
async function fakePagefind(body: string): Promise<string> {
  const path = join(work, "fake-pagefind");
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

/** Running, not a zombie. */
async function alive(pid: number): Promise<boolean> {
  try {
    return !/^\d+ \(.*\) Z /.test(await readFile(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

describe("indexSite with Pagefind", () => {
  it("finds the installed binary of this platform", async () => {
    expect(pagefindBinary()).toMatch(/@pagefind\/linux-(x64|arm64)\/bin\/pagefind(_extended)?$/);
    expect(await pagefindVersion()).toMatch(/^1\.\d+\.\d+$/);
  });

  it("indexes the pages marked data-pagefind-body and keeps only what the theme loads", async () => {
    // A site's own pagefind/ folder does not survive: the index replaces it.
    await mkdir(join(site, "pagefind"));
    await writeFile(join(site, "pagefind/pagefind.js"), "alert('not ours')");

    const result = await indexSite({ siteDir: site, offline: false, timeoutMs: 30_000 });

    expect(result).toMatchObject({ ok: true, code: 0, timedOut: false, aborted: false, pages: 2 });
    expect(result.log).toContain("Indexed 2 pages");
    const files = await readdir(join(site, "pagefind"));
    expect(files).toEqual(
      expect.arrayContaining(["pagefind.js", "pagefind-entry.json", "pagefind-worker.js"]),
    );
    expect(files.filter((name) => /ui|highlight/.test(name))).toEqual([]);
    expect(await readFile(join(site, "pagefind/pagefind.js"), "utf8")).toContain("pagefind");
    // Its working directory was a temporary one, removed afterwards.
    expect((await readdir(work)).sort()).toEqual(["public"]);
  });

  it("offline, leaves one script holding the search module and every index file", async () => {
    const result = await indexSite({ siteDir: site, offline: true, timeoutMs: 30_000 });

    expect(result).toMatchObject({ ok: true, pages: 2 });
    expect(await readdir(join(site, "pagefind"))).toEqual(["lectern-offline.js"]);
    const text = await readFile(join(site, "pagefind/lectern-offline.js"), "utf8");
    const prefix = "window.lecternSearchBundle=";
    const json = text.slice(text.indexOf(prefix) + prefix.length).replace(/;\n$/, "");
    const bundle = JSON.parse(json) as {
      version: string;
      script: string;
      files: Record<string, string>;
    };
    expect(bundle.version).toMatch(/^1\.\d+\.\d+$/);
    expect(bundle.script).toMatch(/export\s*\{/);
    const entry = JSON.parse(
      Buffer.from(bundle.files["pagefind-entry.json"] ?? "", "base64").toString(),
    );
    expect(entry.version).toBe(bundle.version);
    const names = Object.keys(bundle.files);
    expect(names.some((name) => /^wasm\..*\.pagefind$/.test(name))).toBe(true);
    expect(names.filter((name) => name.startsWith("fragment/"))).toHaveLength(2);
    expect(names.filter((name) => /\.(js|css)$/.test(name))).toEqual([]);
    // Result URLs name the files: a folder opened from disk shows no index.html by itself.
    // (A fragment is gzip: Pagefind's signature, then the page's JSON.)
    const urls = names
      .filter((name) => name.startsWith("fragment/"))
      .map((name) => {
        const bytes = gunzipSync(Buffer.from(bundle.files[name] ?? "", "base64"));
        return JSON.parse(bytes.subarray("pagefind_dcd".length).toString()).url;
      });
    expect(urls.sort()).toEqual(["/index.html", "/notes/index.html"]);
  });
});

describe("indexSite failures", () => {
  it("reports Pagefind's own words when it fails", async () => {
    const pagefindBin = await fakePagefind("echo 'Error: the index broke' >&2; exit 1");
    const result = await indexSite({
      siteDir: site,
      offline: false,
      timeoutMs: 10_000,
      pagefindBin,
    });
    expect(result).toMatchObject({ ok: false, code: 1, timedOut: false, pages: null });
    expect(result.log).toContain("Error: the index broke");
  });

  it("fails when Pagefind says it succeeded but wrote no index", async () => {
    const pagefindBin = await fakePagefind("echo 'Indexed 0 pages'");
    const result = await indexSite({
      siteDir: site,
      offline: false,
      timeoutMs: 10_000,
      pagefindBin,
    });
    expect(result).toMatchObject({ ok: false, code: 0, pages: 0 });
    expect(result.log).toContain("pagefind wrote no pagefind/");
  });

  it("stops a hung Pagefind and what it started at the time limit", async () => {
    const pidFile = join(work, "sleeper.pid");
    const pagefindBin = await fakePagefind(`echo indexing; sleep 30 & echo $! > ${pidFile}; wait`);
    const started = Date.now();
    const result = await indexSite({ siteDir: site, offline: false, timeoutMs: 400, pagefindBin });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result).toMatchObject({ ok: false, code: null, timedOut: true });
    expect(result.log).toContain("pagefind did not finish within 400 ms");
    expect(await alive(Number(await readFile(pidFile, "utf8")))).toBe(false);
  });

  it("an abort stops Pagefind at once", async () => {
    const pagefindBin = await fakePagefind("echo indexing; sleep 30");
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const result = await indexSite({
      siteDir: site,
      offline: false,
      timeoutMs: 30_000,
      signal: controller.signal,
      pagefindBin,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result).toMatchObject({ ok: false, aborted: true, timedOut: false });
    expect(result.log).toContain("pagefind was aborted");
  });

  it("runs in an empty directory of its own, with none of the builder's environment", async () => {
    // A pagefind.yml next to the site (or in it) must not configure the index.
    await writeFile(join(work, "pagefind.yml"), "site: elsewhere\n");
    process.env.LECTERN_TEST_SECRET = "do-not-leak";
    process.env.PAGEFIND_SITE = "/somewhere/else";
    try {
      const pagefindBin = await fakePagefind("ls -A; env; exit 1");
      const result = await indexSite({
        siteDir: site,
        offline: false,
        timeoutMs: 10_000,
        pagefindBin,
      });
      expect(result.log).not.toContain("pagefind.yml");
      expect(result.log).not.toContain("do-not-leak");
      expect(result.log).not.toContain("PAGEFIND_SITE");
      expect(result.log).toMatch(/^PATH=/m);
    } finally {
      delete process.env.LECTERN_TEST_SECRET;
      delete process.env.PAGEFIND_SITE;
    }
  });

  it("reports a missing binary without throwing", async () => {
    const result = await indexSite({
      siteDir: site,
      offline: false,
      timeoutMs: 10_000,
      pagefindBin: join(work, "no-such-pagefind"),
    });
    expect(result).toMatchObject({ ok: false, code: null, timedOut: false });
    expect(result.log).toMatch(/could not run .*no-such-pagefind: .*ENOENT/);
    await access(site);
  });
});
