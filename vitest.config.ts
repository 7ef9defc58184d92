import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { startFakeBuilder } from "./test/support/fake-builder.ts";
import { startFakeProviders } from "./test/support/fake-providers.ts";
import { startFakeWebhookReceiver } from "./test/support/fake-webhook-receiver.ts";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  // The Worker tests' builder: records the SitePublisher's jobs (test/support/fake-builder.ts).
  const builder = await startFakeBuilder();
  // YouTube, 3Play Media and Google Drive as local servers (test/support/fake-providers.ts).
  const providers = await startFakeProviders();
  // Catalogs' webhook endpoints (test/support/fake-webhook-receiver.ts).
  const receiver = await startFakeWebhookReceiver();
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              main: "./workers/api/index.ts",
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  APP_URL: "http://lectern.test",
                  AUTH_SECRET: "test-secret-0123456789abcdef0123456789abcdef",
                  LOCAL_MODE: "false",
                  BUILDER_URL: builder.url,
                  BUILDER_JOB_SECRET: "test-builder-secret-0123456789abcdef",
                  PUBLISH_STALL_SECONDS: "3",
                  // The fake builder also records mail (test/support/fake-builder.ts).
                  MAIL_API_URL: `${builder.url}/mail`,
                  MAIL_API_TOKEN: "test-mail-token",
                  MAIL_FROM: "lectern@lectern.test",
                  // Tenants' provider credentials are sealed with it (workers/providers/).
                  SECRETS_ENCRYPTION_KEY: "ReQfedDM1XGtyxlksusEqnj3K60FTymkamiIO2hH+d4=",
                  GOOGLE_API_BASE: providers.url,
                  GOOGLE_OAUTH_TOKEN_URL: `${providers.url}/token`,
                  THREEPLAY_API_BASE: providers.url,
                  WEBHOOK_RECEIVER_URL: receiver.url,
                  // Webhook retries without waiting (the schedule is tested on its own).
                  WEBHOOK_RETRY_BASE_SECONDS: "0",
                },
              },
            }),
          ],
          resolve: {
            alias: {},
          },
          test: {
            name: "workers",
            include: ["test/workers/**/*.test.ts"],
            setupFiles: ["./test/workers/apply-migrations.ts"],
            // One workerd runtime for all files instead of one per file: loading the Worker's
            // modules costs ~7 s per runtime. Safe because every test makes its own tenant and
            // people (test/factories.ts) and never relies on an empty database.
            isolate: false,
            // Password hashing (scrypt) dominates some tests; leave room for a busy machine.
            testTimeout: 30_000,
          },
        },
        {
          test: {
            name: "node",
            include: [
              "test/builder/**/*.test.ts",
              "test/scripts/**/*.test.ts",
              // The provider adapters against local servers (workers/providers/).
              "test/providers/**/*.test.ts",
            ],
            environment: "node",
          },
        },
        {
          test: {
            name: "e2e",
            include: ["test/e2e/**/*.test.ts"],
            environment: "node",
            globalSetup: ["./test/e2e/global-setup.ts"],
            testTimeout: 120_000,
            hookTimeout: 300_000,
            fileParallelism: false,
          },
        },
      ],
    },
  };
});
