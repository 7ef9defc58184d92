import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cloudflare } from "@cloudflare/vite-plugin";
import { reactRouter } from "@react-router/dev/vite";
import { defineConfig, type Plugin } from "vite";

/** Where the API reference page loads Scalar from: our own assets, never a CDN. */
export const SCALAR_ASSET = "vendor/scalar-api-reference.js";

function scalarAsset(): Plugin {
  // Not in the package's "exports", so addressed by path.
  const file = fileURLToPath(
    new URL("./node_modules/@scalar/api-reference/dist/browser/standalone.js", import.meta.url),
  );
  return {
    name: "lectern:scalar-asset",
    configureServer(server) {
      server.middlewares.use(`/${SCALAR_ASSET}`, (_req, res) => {
        res.setHeader("content-type", "text/javascript; charset=utf-8");
        res.end(readFileSync(file));
      });
    },
    generateBundle() {
      if (this.environment.name !== "client") return;
      this.emitFile({ type: "asset", fileName: SCALAR_ASSET, source: readFileSync(file) });
    },
  };
}

export default defineConfig({
  plugins: [cloudflare({ viteEnvironment: { name: "ssr" } }), reactRouter(), scalarAsset()],
});
