// The builder's storage contract, run against the Worker's local-mode S3 stand-in (served by the
// e2e stack's `wrangler dev`), as it runs against s3rver in test/builder/storage.test.ts: the
// stand-in cannot drift from the S3 behaviour the builder relies on.
import { inject } from "vitest";
import { storageContract } from "../builder/storage-contract.ts";

const appUrl = inject("appUrl");

storageContract("the Worker's local stand-in", async () => ({
  endpoint: `${new URL(appUrl).origin}/__local/s3`,
  // The local-only credentials from wrangler.toml; meaningless outside local mode.
  accessKeyId: "lectern-local",
  secretAccessKey: "lectern-local-secret",
  bucket: "sites",
  async close() {},
}));
