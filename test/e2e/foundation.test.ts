// The Foundation issue end to end, in headless Chromium against the built Worker:
// operator creates a tenant → its owner joins from the invitation link → the owner invites an
// admin → the admin joins and creates an API token → the owner sees all of it in the audit log.
import { describe, expect, inject, it } from "vitest";
import { browsersFor, type Person, signIn } from "./browser.ts";

const appUrl = inject("appUrl");
const operator = inject("operator");
const demoOwner = inject("demoOwner");

const PASSWORD = "a long enough e2e password";
const run = Date.now().toString(36);

const person = browsersFor(appUrl);

/** Joins through an invitation link as someone new; returns the tenant id from the URL. */
async function acceptAsNewPerson(p: Person, link: string, name: string) {
  await p.page.goto(link);
  await p.page.getByLabel("Your name").fill(name);
  await p.page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await p.page.getByLabel("Password (again)").fill(PASSWORD);
  await p.page.getByRole("button", { name: "Create account and join" }).click();
  await p.page.waitForURL(/\/t\/ten_[0-9A-Z]{26}$/);
  return new URL(p.page.url()).pathname.split("/")[2] as string;
}

describe("foundation", () => {
  it("takes a tenant from creation to an audited API token", async () => {
    const tenantName = `E2E College ${run}`;
    const ownerEmail = `owner-${run}@e2e.example`;
    const adminEmail = `admin-${run}@e2e.example`;

    // The operator signs in (no tenant of their own: the empty state points to Operator).
    const op = await person();
    await op.page.goto("/");
    await op.page.waitForURL(/\/sign-in$/);
    await signIn(op.page, operator);
    await op.page.getByRole("heading", { level: 1, name: /^Welcome to Lectern/ }).waitFor();
    await op.page.getByRole("main").getByRole("link", { name: "Operator" }).click();
    await op.page.getByLabel("Tenant name").fill(tenantName);
    await op.page.getByLabel("Owner email").fill(ownerEmail);
    await op.page.getByRole("button", { name: "Create tenant" }).click();
    const ownerLinkField = op.page.getByTestId("owner-invitation").getByRole("textbox");
    const ownerLink = await ownerLinkField.inputValue();
    expect(ownerLink).toMatch(new RegExp(`^${appUrl}/invite/[\\w-]{20,}$`));
    await op.page.getByRole("row", { name: new RegExp(tenantName) }).waitFor();
    await op.shot("01-operator-created-tenant");

    // The owner opens the link in their own browser, sets a name and password, lands inside.
    const owner = await person();
    await owner.page.goto(ownerLink);
    expect(await owner.page.title()).toBe(`Join ${tenantName} · Lectern`);
    await owner.shot("02-owner-invitation");
    const tenantId = await acceptAsNewPerson(owner, ownerLink, "Olive Owner");
    await owner.page.getByRole("heading", { level: 1, name: tenantName }).waitFor();
    expect(await owner.page.getByText("Your role:").textContent()).toContain("Owner");
    await owner.shot("03-owner-dashboard");

    // The owner invites an admin; the link is shown once on the page.
    await owner.page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", {
        name: "Members",
      })
      .click();
    await owner.page.waitForURL(`**/t/${tenantId}/members`);
    await owner.page.getByLabel("Email").fill(adminEmail);
    await owner.page.getByLabel("Role", { exact: true }).selectOption("admin");
    await owner.page.getByRole("button", { name: "Create invitation" }).click();
    const adminLink = await owner.page
      .getByTestId("invitation-link")
      .getByRole("textbox")
      .inputValue();
    expect(adminLink).toMatch(new RegExp(`^${appUrl}/invite/`));
    await owner.page
      .getByRole("table")
      .last()
      .getByRole("rowheader", { name: adminEmail })
      .waitFor();
    await owner.shot("04-owner-invited-admin");

    // The admin joins and is signed in straight away.
    const admin = await person();
    expect(await acceptAsNewPerson(admin, adminLink, "Ada Admin")).toBe(tenantId);
    expect(await admin.page.getByText("Your role:").textContent()).toContain("Admin");

    // The admin creates an API token; its secret is shown once.
    await admin.page.getByRole("link", { name: "API tokens" }).click();
    await admin.page.getByLabel("Token name").fill("Catalog sync");
    await admin.page.getByLabel("Role", { exact: true }).selectOption("author");
    await admin.page.getByLabel("Expiry").fill("30");
    await admin.page.getByRole("button", { name: "Create token" }).click();
    const secretPanel = admin.page.getByTestId("token-secret");
    expect(await secretPanel.textContent()).toContain("shown only this once");
    const secret = await secretPanel.getByRole("textbox").inputValue();
    expect(secret).toMatch(/^lct_/);
    await admin.page.getByRole("rowheader", { name: "Catalog sync" }).waitFor();
    await admin.shot("05-admin-token-created");

    // The secret works against the API, only in this tenant…
    const viaToken = await fetch(`${appUrl}/api/v1/tenants/${tenantId}`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(viaToken.status).toBe(200);
    expect(((await viaToken.json()) as { role: string }).role).toBe("author");
    // …and is never shown again.
    await admin.page.reload();
    expect(await admin.page.getByTestId("token-secret").count()).toBe(0);
    expect(await admin.page.content()).not.toContain(secret);

    // The owner sees both people joining and the token in the audit log.
    await owner.page.getByRole("link", { name: "Audit log" }).click();
    await owner.page.waitForURL(`**/t/${tenantId}/audit`);
    const events = owner.page.getByRole("table");
    for (const action of ["member.invited", "member.joined", "token.created"]) {
      await events.getByRole("rowheader", { name: action }).first().waitFor();
    }
    const tokenRow = events.getByRole("row").filter({ hasText: "token.created" });
    expect(await tokenRow.textContent()).toContain(adminEmail);
    await owner.shot("06-owner-audit-log");

    // Filters are a GET form: the URL carries them and only matching rows remain.
    await owner.page.getByLabel("Action").fill("token.created");
    await owner.page.getByRole("button", { name: "Apply filters" }).click();
    await owner.page.waitForURL(/action=token\.created/);
    await owner.page.getByRole("heading", { name: "Matching events" }).waitFor();
    const actions = await events.getByRole("rowheader").allTextContents();
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(["token.created"]));

    // Revoking asks first, then the secret stops working at once.
    await admin.page.getByText("Revoke…").click();
    await admin.page.getByRole("button", { name: "Revoke token" }).click();
    await admin.page.getByRole("status").filter({ hasText: "Catalog sync was revoked." }).waitFor();
    await admin.page
      .getByRole("row", { name: /Catalog sync/ })
      .getByText("Revoked")
      .waitFor();
    const afterRevoke = await fetch(`${appUrl}/api/v1/tenants/${tenantId}`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(afterRevoke.status).toBe(401);
  });

  it("lets an existing user accept after signing in, then switch tenants", async () => {
    const tenantName = `Second Campus ${run}`;

    // A second tenant with its own (new) owner.
    const op = await person();
    await signIn(op.page, operator);
    await op.page.goto("/operator");
    await op.page.getByLabel("Tenant name").fill(tenantName);
    await op.page.getByLabel("Owner email").fill(`second-owner-${run}@e2e.example`);
    await op.page.getByRole("button", { name: "Create tenant" }).click();
    const ownerLink = await op.page
      .getByTestId("owner-invitation")
      .getByRole("textbox")
      .inputValue();

    const owner = await person();
    const tenantId = await acceptAsNewPerson(owner, ownerLink, "Sam Second");
    await owner.page.goto(`/t/${tenantId}/members`);
    await owner.page.getByLabel("Email").fill(demoOwner.email);
    await owner.page.getByLabel("Role", { exact: true }).selectOption("member");
    await owner.page.getByRole("button", { name: "Create invitation" }).click();
    const link = await owner.page.getByTestId("invitation-link").getByRole("textbox").inputValue();

    // The demo owner has an account: the page sends them to sign in and back.
    const existing = await person();
    await existing.page.goto(link);
    await existing.page.getByRole("link", { name: "Sign in to accept" }).click();
    await existing.page.waitForURL(/\/sign-in\?redirectTo=%2Finvite%2F/);
    await existing.page.getByLabel("Email").fill(demoOwner.email);
    await existing.page.getByLabel("Password", { exact: true }).fill(demoOwner.password);
    await existing.page.getByRole("button", { name: "Sign in" }).click();
    await existing.page.waitForURL(/\/invite\//);
    await existing.shot("11-existing-user-accepts");
    await existing.page.getByRole("button", { name: `Accept and join ${tenantName}` }).click();
    await existing.page.waitForURL(`**/t/${tenantId}`);
    expect(await existing.page.getByText("Your role:").textContent()).toContain("Member");
    // A member sees only what a member may use.
    const nav = existing.page.getByRole("navigation", { name: "Main" });
    expect(await nav.getByRole("link", { name: "API tokens" }).count()).toBe(1);
    expect(await nav.getByRole("link", { name: "Members" }).count()).toBe(0);
    expect(await nav.getByRole("link", { name: "Audit log" }).count()).toBe(0);

    // Two tenants now: the switcher in the header lists both and navigates.
    await existing.page.locator(".tenant-switcher > summary").click();
    await existing.shot("12-tenant-switcher");
    await existing.page.getByRole("link", { name: /Demo University/ }).click();
    await existing.page.getByRole("heading", { level: 1, name: "Demo University" }).waitFor();
    expect(existing.page.url()).not.toContain(tenantId);

    // A used link and a made-up one each get a clear message.
    await existing.page.goto(link);
    await existing.page
      .getByRole("heading", { name: "This invitation can no longer be used" })
      .waitFor();
    expect(await existing.page.getByRole("main").textContent()).toContain("already been used");
    await existing.shot("13-invitation-used");
    const missing = await existing.page.goto("/invite/not-a-real-invitation-token-at-all");
    expect(missing?.status()).toBe(404);
    await existing.page.getByRole("heading", { name: "Invitation not found" }).waitFor();

    // The second tenant's owner changes the newcomer's role, then removes them.
    await owner.page.reload();
    const row = owner.page.getByRole("row", { name: new RegExp(demoOwner.email) });
    await row.getByRole("combobox").selectOption("author");
    await row.getByRole("button", { name: /^Save/ }).click();
    await owner.page.getByRole("status").filter({ hasText: "is now Author." }).waitFor();
    await row.getByText("Remove…").click();
    await owner.shot("14-remove-member-confirmation");
    await row.getByRole("button", { name: /^Remove / }).click();
    await owner.page.getByRole("status").filter({ hasText: "was removed." }).waitFor();
    await owner.page
      .getByRole("row", { name: new RegExp(demoOwner.email) })
      .waitFor({ state: "detached" });

    // Without the membership, the tenant is simply not there for them.
    const gone = await existing.page.goto(`/t/${tenantId}`);
    expect(gone?.status()).toBe(404);
    await existing.page.getByRole("heading", { name: "Not found" }).waitFor();
    await existing.shot("15-tenant-not-found");
  });

  it("fits a phone: the navigation collapses behind a Menu button", async () => {
    const phone = await person({ viewport: { width: 375, height: 740 } });
    await signIn(phone.page, demoOwner);
    await phone.page.waitForURL(/\/t\/ten_/);
    const nav = phone.page.getByRole("navigation", { name: "Main" });
    const menu = phone.page.getByRole("button", { name: "Menu" });
    expect(await nav.isVisible()).toBe(false);
    await phone.shot("07-phone-dashboard");

    await menu.click();
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    await nav.getByRole("link", { name: "Members" }).click();
    await phone.page.waitForURL(/\/members$/);
    // Following a link closes the menu again.
    await nav.waitFor({ state: "hidden" });
    const overflow = await phone.page.evaluate(
      "document.documentElement.scrollWidth - document.documentElement.clientWidth",
    );
    expect(overflow).toBe(0);
    await phone.shot("08-phone-members");

    await menu.click();
    await phone.shot("09-phone-menu-open");
  });

  it("works before JavaScript: sign-in errors come from the server", async () => {
    const noJs = await person({ javaScriptEnabled: false });
    await noJs.page.goto("/sign-in");
    await noJs.page.getByRole("button", { name: "Sign in" }).click();
    await noJs.page.waitForLoadState("load");
    const summary = noJs.page.getByRole("region", { name: "There is a problem" });
    expect(await summary.textContent()).toContain("Email is required");
    expect(await noJs.page.getByText("Password is required").count()).toBe(2);
    await noJs.shot("10-no-js-sign-in-errors");

    await signIn(noJs.page, demoOwner);
    await noJs.page.waitForURL(/\/t\/ten_/);
    // Without JavaScript there is no Menu button and the navigation is simply shown.
    expect(await noJs.page.getByRole("button", { name: "Menu" }).count()).toBe(0);
    expect(await noJs.page.getByRole("navigation", { name: "Main" }).isVisible()).toBe(true);
  });
});
