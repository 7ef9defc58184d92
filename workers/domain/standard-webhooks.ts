// Webhook signatures per the Standard Webhooks specification (standardwebhooks.com):
//   webhook-id:        the event's id (the same on every attempt: the receiver's idempotency key)
//   webhook-timestamp: Unix seconds of this attempt
//   webhook-signature: "v1,<base64 HMAC-SHA256(key, `${id}.${timestamp}.${body}`)>", several
//                      separated by spaces while a rotated secret still signs
// Secrets are `whsec_` + base64 of 24 random bytes; the HMAC key is the decoded bytes.
// Runtime-neutral (WebCrypto only).

export const SECRET_PREFIX = "whsec_";

export function newWebhookSecret(): string {
  const raw = crypto.getRandomValues(new Uint8Array(24));
  let bin = "";
  for (const b of raw) bin += String.fromCharCode(b);
  return `${SECRET_PREFIX}${btoa(bin)}`;
}

function keyBytes(secret: string): Uint8Array<ArrayBuffer> {
  const b64 = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

async function sign(secret: string, content: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    keyBytes(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(content)),
  );
  let bin = "";
  for (const b of mac) bin += String.fromCharCode(b);
  return `v1,${btoa(bin)}`;
}

/** The three headers of one attempt, signed with every secret given (newest first). */
export async function webhookHeaders(
  secrets: readonly string[],
  msgId: string,
  body: string,
  now = Date.now(),
): Promise<Record<string, string>> {
  const timestamp = String(Math.floor(now / 1000));
  const signatures = await Promise.all(
    secrets.map((s) => sign(s, `${msgId}.${timestamp}.${body}`)),
  );
  return {
    "webhook-id": msgId,
    "webhook-timestamp": timestamp,
    "webhook-signature": signatures.join(" "),
  };
}
