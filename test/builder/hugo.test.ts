// runHugo against Debian's Hugo (0.111) building a real site, and against stand-in binaries for
// what Hugo itself will not do on demand (hang, ignore SIGTERM, leave children behind).
import { chmod, cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_LOG_BYTES, runHugo } from "../../builder/src/hugo.ts";

const fixture = fileURLToPath(new URL("./fixtures/hugo-site", import.meta.url));
let work: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "lectern-hugo-test-"));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function siteCopy(): Promise<string> {
  const source = join(work, "src");
  await cp(fixture, source, { recursive: true });
  return source;
}

/** An executable script standing in for Hugo. */
async function fakeHugo(body: string): Promise<string> {
  const path = join(work, "fake-hugo");
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

/** Running, not a zombie (an orphan killed here waits for a PID 1 that may never reap it). */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

describe("runHugo with Hugo", () => {
  it("builds the site with the baseURL and cleans the destination", async () => {
    const sourceDir = await siteCopy();
    const destination = join(work, "public");
    await cp(join(fixture, "config.toml"), join(destination, "stale.txt"), { recursive: true });
    expect(await readFile(join(destination, "stale.txt"), "utf8")).toContain("Fixture Course");

    const result = await runHugo({
      sourceDir,
      destination,
      baseURL: "https://courses.example/18.06/",
      timeoutMs: 60_000,
    });

    expect(result).toMatchObject({ ok: true, code: 0, timedOut: false });
    expect(result.log).toContain("Pages");
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const home = await readFile(join(destination, "index.html"), "utf8");
    expect(home).toContain('href="https://courses.example/18.06/notes/week-1/"');
    expect(home).toContain("Week 2: Matrices");
    const week1 = await readFile(join(destination, "notes/week-1/index.html"), "utf8");
    expect(week1).toContain("<strong>componentwise</strong>");
    await expect(readFile(join(destination, "stale.txt"))).rejects.toThrow(/ENOENT/);
    // --noBuildLock: the source tree gets no lock file.
    await expect(readFile(join(sourceDir, ".hugo_build.lock"))).rejects.toThrow(/ENOENT/);
  });

  it("reports a template error as ok:false with Hugo's message", async () => {
    const sourceDir = await siteCopy();
    await writeFile(
      join(sourceDir, "layouts/_default/single.html"),
      '{{ define "main" }}<h1>{{ .Title </h1>{{ end }}\n',
    );

    const result = await runHugo({
      sourceDir,
      destination: join(work, "public"),
      baseURL: "https://courses.example/",
      timeoutMs: 60_000,
    });

    expect(result.ok).toBe(false);
    expect(result.timedOut).toBe(false);
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    expect(result.log).toMatch(/single\.html/);
    expect(result.log).toMatch(/ERROR|Error/);
  });

  it("passes only a minimal environment plus what the caller gives", async () => {
    const hugoBin = await fakeHugo('echo "args: $*"; env');
    process.env.LECTERN_TEST_SECRET = "do-not-leak";
    try {
      const result = await runHugo({
        sourceDir: work,
        destination: join(work, "public"),
        baseURL: "https://courses.example/a b/",
        timeoutMs: 10_000,
        hugoBin,
        env: { HUGO_ENVIRONMENT: "offline" },
      });
      expect(result).toMatchObject({ ok: true, code: 0 });
      expect(result.log).toContain(
        `args: --source ${work} --destination ${join(work, "public")} --baseURL https://courses.example/a b/ --cleanDestinationDir --noBuildLock`,
      );
      expect(result.log).toContain("HUGO_ENVIRONMENT=offline");
      expect(result.log).not.toContain("do-not-leak");
    } finally {
      delete process.env.LECTERN_TEST_SECRET;
    }
  });
});

describe("runHugo failures without Hugo", () => {
  it("stops a hung build and everything it started at the timeout", async () => {
    const pidFile = join(work, "sleeper.pid");
    const hugoBin = await fakeHugo(`echo building; sleep 30 & echo $! > ${pidFile}; wait`);

    const started = Date.now();
    const result = await runHugo({
      sourceDir: work,
      destination: join(work, "public"),
      baseURL: "https://courses.example/",
      timeoutMs: 500,
      hugoBin,
    });

    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result).toMatchObject({ ok: false, code: null, timedOut: true });
    expect(result.log).toContain("building");
    expect(result.log).toContain("did not finish within 500 ms");
    const sleeper = Number(await readFile(pidFile, "utf8"));
    expect(await alive(sleeper)).toBe(false);
  });

  it("kills a build that ignores SIGTERM after the grace period", async () => {
    const hugoBin = await fakeHugo("trap '' TERM; echo stubborn; while :; do sleep 0.05; done");

    const result = await runHugo({
      sourceDir: work,
      destination: join(work, "public"),
      baseURL: "https://courses.example/",
      timeoutMs: 300,
      killGraceMs: 300,
      hugoBin,
    });

    expect(result).toMatchObject({ ok: false, code: null, timedOut: true });
    expect(result.log).toContain("stubborn");
    expect(result.durationMs).toBeGreaterThanOrEqual(550);
  });

  it("gives up on output held open by a process that left the group", async () => {
    const pidFile = join(work, "escaped.pid");
    const hugoBin = await fakeHugo(
      `setsid sleep 30 & echo $! > ${pidFile}; trap '' TERM; while :; do sleep 0.05; done`,
    );
    try {
      const result = await runHugo({
        sourceDir: work,
        destination: join(work, "public"),
        baseURL: "https://courses.example/",
        timeoutMs: 200,
        killGraceMs: 200,
        hugoBin,
      });

      expect(result).toMatchObject({ ok: false, code: null, timedOut: true });
      expect(result.log).toContain("was killed");
      expect(result.durationMs).toBeLessThan(4_000);
    } finally {
      // Not ours to leave behind; it may be gone already.
      try {
        process.kill(Number(await readFile(pidFile, "utf8")), "SIGKILL");
      } catch {}
    }
  });

  it("keeps the last 256 KiB of a flood of output", async () => {
    const hugoBin = await fakeHugo(
      "head -c 400000 /dev/zero | tr '\\0' x; echo; echo the-real-error >&2; exit 3",
    );

    const result = await runHugo({
      sourceDir: work,
      destination: join(work, "public"),
      baseURL: "https://courses.example/",
      timeoutMs: 10_000,
      hugoBin,
    });

    expect(result).toMatchObject({ ok: false, code: 3, timedOut: false });
    expect(result.log).toContain("the-real-error");
    expect(result.log.startsWith("[earlier output dropped]\n")).toBe(true);
    expect(Buffer.byteLength(result.log)).toBeLessThanOrEqual(MAX_LOG_BYTES + 100);
  });

  it("reports a missing binary without throwing", async () => {
    const result = await runHugo({
      sourceDir: work,
      destination: join(work, "public"),
      baseURL: "https://courses.example/",
      timeoutMs: 10_000,
      hugoBin: join(work, "no-such-hugo"),
    });

    expect(result).toMatchObject({ ok: false, code: null, timedOut: false });
    expect(result.log).toMatch(/could not run .*no-such-hugo: .*ENOENT/);
  });
});
