declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** test/support/fake-webhook-receiver.ts */
    WEBHOOK_RECEIVER_URL: string;
  }
}

declare module "*?raw" {
  const text: string;
  export default text;
}
