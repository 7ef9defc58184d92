// Headless Debian Chromium driven by playwright-core. Every person in a scenario gets their own
// browser with a fresh profile directory, so cookies never leak from one to another.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterEach } from "vitest";

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
    }
    await Promise.all(people.map((p) => p.close()));
  });
  return async function person(options?: Parameters<typeof openBrowser>[1]) {
    const p = await openBrowser(appUrl, options);
    open.push(p);
    return p;
  };
}
