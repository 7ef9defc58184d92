// Headless Debian Chromium driven by playwright-core. Every person in a scenario gets their own
// browser with a fresh profile directory, so cookies never leak from one to another.
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterEach, inject } from "vitest";

/** Debian's Chromium and the flags every test browser runs with (no network of its own). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const SCREENSHOTS = resolve(import.meta.dirname, "../../test-results/e2e");

export type Person = {
  /** The app's URL this browser was opened on. */
  baseURL: string;
  context: BrowserContext;
  page: Page;
  /** Full-page screenshot into test-results/e2e/<name>.png. */
  shot(name: string): Promise<void>;
  close(): Promise<void>;
};

export async function openBrowser(
  baseURL: string,
  options: { viewport?: { width: number; height: number }; javaScriptEnabled?: boolean } = {},
): Promise<Person> {
  const profile = await mkdtemp(join(tmpdir(), "lectern-e2e-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    baseURL,
    viewport: options.viewport ?? { width: 1280, height: 860 },
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  context.setDefaultTimeout(15_000);
  // Page loads share two cores with Hugo, Pagefind and workerd taking a build's uploads.
  context.setDefaultNavigationTimeout(30_000);
  const page = context.pages()[0] ?? (await context.newPage());
  // Anything the app logs as an error in the browser fails loudly in the test output.
  page.on("pageerror", (error) => console.error(`[browser] ${error.message}`));
  await mkdir(SCREENSHOTS, { recursive: true });
  return {
    baseURL,
    context,
    page,
    shot: async (name) => {
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    },
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export async function signIn(page: Page, login: { email: string; password: string }) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(login.email);
  await page.getByLabel("Password", { exact: true }).fill(login.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname !== "/sign-in");
}

/** The last `lines` lines of a file, or why it could not be read. */
async function tail(file: string, lines: number): Promise<string> {
  try {
    return (await readFile(file, "utf8")).split("\n").slice(-lines).join("\n");
  } catch (error) {
    return `(${file}: ${error instanceof Error ? error.message : String(error)})`;
  }
}

/**
 * Waits until the stack's builder has nothing queued, running or following up (twice in a row, so a
 * follow-up a SitePublisher sends on the heels of a build counts), so that one test's builds
 * never load the machine under the next test. A builder that does not answer (a fault test
 * killed it) has nothing running.
 */
export async function builderSettled(builderUrl: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 2) {
    let busy: unknown = null;
    try {
      const res = await fetch(new URL("/healthz", builderUrl), {
        signal: AbortSignal.timeout(5_000),
      });
      const health = (await res.json()) as Record<string, unknown>;
      const count = (key: string) => (typeof health[key] === "number" ? health[key] : 0);
      if (count("queued") + count("running") + count("followUps") > 0) busy = health;
    } catch {
      // not running: nothing to wait for
    }
    quiet = busy ? 0 : quiet + 1;
    if (busy && Date.now() > deadline) {
      throw new Error(`the builder is still busy after ${timeoutMs} ms: ${JSON.stringify(busy)}`);
    }
    if (quiet < 2) await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * The browsers one test file opens: `person()` opens one, and after each test every browser
 * is closed, with a screenshot of what each showed first when the test failed.
 */
export function browsersFor(appUrl: string) {
  const open: Person[] = [];
  afterEach(async ({ task }) => {
    const people = open.splice(0);
    if (task.result?.state === "fail") {
      const name = task.name.replace(/\W+/g, "-").slice(0, 40);
      await Promise.all(people.map((p, i) => p.shot(`failed-${name}-${i}`).catch(() => {})));
      // What the stack was doing when the test failed (CI keeps only the runner's output).
      const logs = inject("stackLogFiles");
      console.error(
        `── wrangler dev, last lines ──\n${await tail(logs.worker, 60)}\n` +
          `── builder, last lines ──\n${await tail(logs.builder, 40)}`,
      );
    }
    await Promise.all(people.map((p) => p.close()));
    await builderSettled(inject("builderUrl"));
  }, 120_000);
  return async function person(options?: Parameters<typeof openBrowser>[1]) {
    const p = await openBrowser(appUrl, options);
    open.push(p);
    return p;
  };
}
