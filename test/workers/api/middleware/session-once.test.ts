// The session is resolved once per incoming request (ExecutionContext) and cookie, so a UI page
// that calls the API in-process several times reads it from D1 once; another request reads it
// afresh and sees any change.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api } from "#workers/api/app";
import { APP_ORIGIN, createUser, exec, startSession } from "../../../factories.ts";

async function me(cookie: string, ctx: ExecutionContext) {
  const res = await api.fetch(
    new Request(`${APP_ORIGIN}/api/v1/me`, { headers: { cookie } }),
    env,
    ctx,
  );
  await res.text();
  return res.status;
}

describe("session lookup per request", () => {
  it("is shared by calls within one request, and redone for the next request", async () => {
    const user = await createUser();
    const cookie = await startSession(user.id);
    const page = createExecutionContext();
    expect(await me(cookie, page)).toBe(200);
    // The session ends while the page is being rendered…
    await exec("DELETE FROM sessions WHERE user_id = ?", user.id);
    // …the rest of that page's calls still see the caller they started with,
    expect(await me(cookie, page)).toBe(200);
    await waitOnExecutionContext(page);
    // but the next request does not.
    expect(await me(cookie, createExecutionContext())).toBe(401);
  });

  it("keys by cookie: another cookie in the same request is looked up on its own", async () => {
    const a = await createUser();
    const b = await createUser();
    const page = createExecutionContext();
    expect(await me(await startSession(a.id), page)).toBe(200);
    expect(await me("__Host-lectern_session=forged.value", page)).toBe(401);
    expect(await me(await startSession(b.id), page)).toBe(200);
  });
});
