// Headless Debian Chromium (playwright-core) for looking at built sites, with a fresh profile
// per browser, and a tiny static server that serves a built site the way delivery does (the
// builder's content types, `dir/` → `dir/index.html`).
import { mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, normalize, relative, resolve } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { contentTypeFor } from "../../../builder/src/content-types.ts";
import { CHROMIUM, CHROMIUM_ARGS } from "../../e2e/browser.ts";

export const SCREENSHOTS = resolve(import.meta.dirname, "../../../test-results/builder");

export type SiteBrowser = {
  context: BrowserContext;
  page: Page;
  /** What the pages logged as errors (uncaught exceptions and console.error). */
  errors: string[];
  /** Full-page screenshot into test-results/builder/<name>.png. */
  shot(name: string): Promise<string>;
  close(): Promise<void>;
};

export async function openSiteBrowser(
  viewport = { width: 1100, height: 800 },
): Promise<SiteBrowser> {
  const profile = await mkdtemp(join(tmpdir(), "lectern-theme-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    // The one request a page makes by itself: built sites have no favicon.
    if (message.type() !== "error" || message.location().url.endsWith("/favicon.ico")) return;
    errors.push(message.text());
  });
  await mkdir(SCREENSHOTS, { recursive: true });
  return {
    context,
    page,
    errors,
    shot: async (name) => {
      const path = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Serves `dir` on 127.0.0.1; resolves to its base URL ("http://127.0.0.1:<port>/"). */
export async function serveSite(dir: string): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://site").pathname);
      let file = normalize(join(dir, path));
      if (relative(dir, file).startsWith("..")) throw new Error("outside the site");
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      res.writeHead(200, { "content-type": contentTypeFor(file) }).end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}
