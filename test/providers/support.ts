// Shared setup of the adapter tests: a fake provider server (test/support/fake-providers.ts)
// and helpers to arrange its state over its control endpoints.
import { randomBytes } from "node:crypto";
import type { GoogleOAuth } from "../../workers/providers/google-auth.ts";

export async function control<T = unknown>(base: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? "GET" : "POST",
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  if (!res.ok) throw new Error(`control ${path}: ${res.status}`);
  return (await res.json()) as T;
}

/** Registers fresh OAuth credentials with the fake token endpoint. */
export async function googleGrant(base: string): Promise<GoogleOAuth> {
  const auth = {
    tokenUrl: `${base}/token`,
    clientId: `client-${randomBytes(4).toString("hex")}.apps.googleusercontent.com`,
    clientSecret: `secret-${randomBytes(8).toString("hex")}`,
    refreshToken: `1//refresh-${randomBytes(12).toString("hex")}`,
  };
  await control(base, "/__google/grants", auth);
  return auth;
}

/** A stream of `size` pseudo-random bytes delivered in uneven pieces, and its bytes. */
export function byteStream(size: number, piece = 100_000) {
  const bytes = new Uint8Array(randomBytes(size));
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= size) return controller.close();
      const n = Math.min(piece, size - offset);
      controller.enqueue(bytes.slice(offset, offset + n));
      offset += n;
    },
  });
  return { bytes, stream };
}
