// The content editor end to end, in headless Chromium against the built Worker: an owner
// fills in a new course (metadata, a resource, a page that links to it through "Insert link",
// the navigation menu), reads a revision diff and restores a revision; a second browser's save
// turns into the merge view; OCW's own markdown survives the rich editor byte for byte; and
// the forms work on a phone without JavaScript.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { api, courseSite, demoTenantId } from "./app-api.ts";
import { browsersFor, signIn } from "./browser.ts";

const appUrl = inject("appUrl");
const demoOwner = inject("demoOwner");
const run = Date.now().toString(36);
const open = browsersFor(appUrl);

/** Saves go through the API and D1 twice over; give a busy machine room. */
async function person(options?: Parameters<typeof open>[0]) {
  const p = await open(options);
  p.context.setDefaultTimeout(30_000);
  return p;
}

const FIXTURES = resolve(import.meta.dirname, "../../../shared/fixtures/ocw/ocw-ci-test-course");

type Item = {
  uid: string;
  title: string;
  version: number;
  body: string;
  fields: Record<string, unknown>;
};

const uidIn = (url: string) => /\/items\/([0-9a-f-]{36})/.exec(url)?.[1] ?? "";

/** The rich text area of a markdown field, once its editor has loaded. */
function richText(page: Page, label: string) {
  return page.locator(".md-rich-mount").getByRole("textbox", { name: label, exact: true });
}

async function noHorizontalScroll(page: Page) {
  return page.evaluate(
    "document.documentElement.scrollWidth - document.documentElement.clientWidth",
  );
}

describe("content editor", () => {
  it("fills in a course: metadata, a resource, a linked page, the menu, history", async () => {
    const owner = await person();
    await signIn(owner.page, demoOwner);
    const tenantId = await demoTenantId(owner);
    const title = `Linear Algebra ${run}`;
    await owner.page.goto(`/t/${tenantId}/sites`);
    await owner.page.getByLabel("Title", { exact: true }).fill(title);
    await owner.page
      .getByRole("region", { name: "New site" })
      .getByLabel("Starter", { exact: true })
      .selectOption({ label: "Course (OCW compatible) · v1" });
    await owner.page.getByRole("button", { name: "Create site" }).click();
    await owner.page.getByRole("link", { name: `Open ${title}` }).click();
    await owner.page.getByRole("link", { name: "Edit content" }).click();
    await owner.page.getByRole("heading", { level: 1, name: "Content" }).waitFor();
    const home = owner.page.url();
    await owner.shot("c01-content-home");

    // Course metadata: a singleton, created by its first save.
    await owner.page.getByRole("link", { name: "Course metadata" }).click();
    await owner.page.getByRole("heading", { level: 1, name: "Course metadata" }).waitFor();
    await owner.page.getByRole("button", { name: "Save", exact: true }).click();
    const summary = owner.page.getByRole("region", { name: "There is a problem" });
    expect(await summary.textContent()).toContain("Course title is required");
    await owner.page.getByLabel("Course title").fill(title);
    await owner.page.getByLabel("Primary course number").fill("18.06");
    await owner.page.getByLabel("Term").selectOption("Fall");
    await owner.page.getByRole("group", { name: "Level" }).getByLabel("Undergraduate").check();
    const topics = owner.page.getByRole("group", { name: "Topics" });
    await topics.getByRole("button", { name: "Add a topic" }).click();
    await topics.getByLabel("Topic").selectOption("Science");
    await topics.getByLabel("Subtopic").selectOption("Mathematics");
    await topics.getByLabel("Speciality").selectOption("Linear Algebra");
    await owner.page.getByRole("button", { name: "Save", exact: true }).click();
    await owner.page.getByRole("status").filter({ hasText: "Created." }).waitFor();
    const metadata = await api<Item>(owner, "GET", `${contentPath(owner.page.url())}`);
    expect(metadata.fields).toMatchObject({
      course_title: title,
      primary_course_number: "18.06",
      term: "Fall",
      level: ["Undergraduate"],
      topics: [["Science", "Mathematics", "Linear Algebra"]],
    });
    await owner.shot("c02-course-metadata");

    // A resource; the image fields appear only for images.
    await owner.page.goto(home);
    await owner.page.getByRole("link", { name: "New item in Resources" }).click();
    await owner.page.getByLabel("Title").fill("Problem set 1");
    expect(await owner.page.getByRole("group", { name: "Image metadata" }).count()).toBe(0);
    await owner.page.getByLabel("Resource type").selectOption("Image");
    await owner.page.getByRole("group", { name: "Image metadata" }).waitFor();
    await owner.page.getByLabel("Resource type").selectOption("Document");
    await owner.page.getByLabel("File", { exact: true }).fill("/courses/la/ps1.pdf");
    const description = richText(owner.page, "Description");
    await description.click();
    await owner.page.keyboard.type("Ten problems on ");
    await owner.page.keyboard.press("Control+b");
    await owner.page.keyboard.type("elimination");
    await owner.page.getByRole("button", { name: "Create item" }).click();
    await owner.page.getByRole("status").filter({ hasText: "Created." }).waitFor();
    const resourceUid = uidIn(owner.page.url());
    const resource = await api<Item>(owner, "GET", contentPath(owner.page.url()));
    expect(resource.fields).toMatchObject({
      title: "Problem set 1",
      resourcetype: "Document",
      file: "/courses/la/ps1.pdf",
      description: "Ten problems on **elimination**",
    });

    // A page whose body links to the resource through "Insert link".
    await owner.page.goto(home);
    await owner.page.getByRole("link", { name: "New item in Pages" }).click();
    await owner.page.getByLabel("Title").fill("Assignments");
    const body = richText(owner.page, "Body");
    await body.click();
    await owner.page.keyboard.type("Start with ");
    await owner.page.getByRole("button", { name: "Insert link" }).click();
    const dialog = owner.page.getByRole("dialog", { name: "Insert a link" });
    await dialog.getByRole("combobox").fill("problem");
    await dialog.getByRole("option", { name: /Problem set 1/ }).click();
    await body.locator(".md-atom", { hasText: "Link: Problem set 1" }).waitFor();
    await owner.page.keyboard.type(" this week.");
    await owner.shot("c03-page-with-link");
    await owner.page.getByRole("button", { name: "Create item" }).click();
    await owner.page.getByRole("status").filter({ hasText: "Created." }).waitFor();
    const pageUrl = owner.page.url().split("?")[0] ?? "";
    const page = await api<Item>(owner, "GET", contentPath(pageUrl));
    expect(page.body).toBe(
      `Start with {{% resource_link "${resourceUid}" "Problem set 1" %}} this week.`,
    );

    // The navigation menu: a page and an external link, reordered and nested by keyboard.
    await owner.page.goto(home);
    await owner.page.getByRole("link", { name: "Navigation menu" }).click();
    const menu = owner.page.getByRole("group", { name: "Menu" });
    await menu.getByRole("combobox", { name: "Add a page of this site" }).fill("assign");
    await menu.getByRole("option", { name: /Assignments/ }).click();
    await menu.getByLabel("Name", { exact: true }).fill("MIT OpenCourseWare");
    await menu.getByLabel("Web address").fill("https://ocw.mit.edu");
    await menu.getByRole("button", { name: "Add link" }).click();
    const up = menu.getByRole("button", { name: "Move up: MIT OpenCourseWare" });
    await up.focus();
    await owner.page.keyboard.press("Enter");
    await menu
      .getByRole("status")
      .filter({ hasText: "MIT OpenCourseWare: 1 of 2 at the top level." })
      .waitFor();
    await menu.getByRole("button", { name: "Nest under the entry above: Assignments" }).click();
    await menu
      .getByRole("status")
      .filter({ hasText: "Assignments: 1 of 1 under MIT OpenCourseWare." })
      .waitFor();
    await owner.shot("c04-menu-editor");
    await owner.page.getByRole("button", { name: "Save", exact: true }).click();
    await owner.page.getByRole("status").filter({ hasText: "Created." }).waitFor();
    const nav = await api<Item>(owner, "GET", contentPath(owner.page.url()));
    const [external, assignments] = nav.fields.leftnav as Record<string, unknown>[];
    expect(external).toMatchObject({
      name: "MIT OpenCourseWare",
      url: "https://ocw.mit.edu",
      weight: 10,
    });
    expect(assignments).toEqual({
      identifier: page.uid,
      name: "Assignments",
      pageRef: `/pages/${(await api<{ filename: string }>(owner, "GET", contentPath(pageUrl))).filename}`,
      weight: 10,
      parent: external?.identifier,
    });

    // Version 2 renames the page; the history shows the change and brings version 1 back.
    await owner.page.goto(pageUrl);
    await owner.page.getByLabel("Title").fill("Assignments and exams");
    await owner.page.getByRole("button", { name: "Save", exact: true }).click();
    await owner.page.getByRole("status").filter({ hasText: "Saved. This is version 2." }).waitFor();
    await owner.page.getByRole("link", { name: "History" }).click();
    const diff = owner.page.locator(".diff-table");
    await diff.getByRole("row", { name: /Title/ }).waitFor();
    expect(await diff.textContent()).toContain("Assignments and exams");
    expect(await owner.page.locator(".diff-view").textContent()).toContain("No changes.");
    await owner.shot("c05-history-diff");
    await owner.page.getByText("Restore… version 1").click();
    await owner.page.getByRole("button", { name: "Restore version 1" }).click();
    await owner.page
      .getByRole("status")
      .filter({ hasText: "Version 1 is current again, saved as version 3." })
      .waitFor();
    const restored = await api<Item>(owner, "GET", contentPath(pageUrl));
    expect(restored).toMatchObject({ title: "Assignments", version: 3 });

    // The editor at phone width: nothing scrolls sideways.
    await owner.page.setViewportSize({ width: 375, height: 800 });
    await owner.page.goto(`${home}/items/${resourceUid}`);
    await richText(owner.page, "Description").waitFor();
    expect(await noHorizontalScroll(owner.page)).toBe(0);
    await owner.shot("c06-phone-resource-editor");
    await owner.page.goto(pageUrl);
    await richText(owner.page, "Body").waitFor();
    expect(await noHorizontalScroll(owner.page)).toBe(0);
    await owner.shot("c07-phone-page-editor");
  });

  it("turns a save over someone else's newer save into a merge", async () => {
    const first = await person();
    await signIn(first.page, demoOwner);
    const site = await courseSite(first, `Merge Course ${run}`);
    const item = await api<Item>(first, "POST", site.content, {
      collection: "page",
      fields: { title: "Syllabus", description: "The plan" },
      body: "Week one.",
    });
    const second = await person();
    await signIn(second.page, demoOwner);
    const url = `${site.ui}/items/${item.uid}`;
    await Promise.all([first.page.goto(url), second.page.goto(url)]);

    await first.page.getByLabel("Title").fill("Syllabus (theirs)");
    await first.page.getByRole("button", { name: "Save", exact: true }).click();
    await first.page.getByRole("status").filter({ hasText: "Saved." }).waitFor();

    // The second browser still holds version 1: its save meets the merge view.
    await second.page.getByLabel("Title").fill("Syllabus (mine)");
    await second.page.getByLabel("Description").fill("The plan, revised");
    await second.page.getByRole("button", { name: "Save", exact: true }).click();
    const merge = second.page.getByRole("region", {
      name: "Someone changed this item since you opened it",
    });
    await merge.waitFor();
    const row = merge.getByRole("row", { name: /Title/ });
    expect(await row.textContent()).toContain("Syllabus (mine)");
    expect(await row.textContent()).toContain("Syllabus (theirs)");
    // Only the title collides; the description is this person's alone and is kept.
    expect(await merge.getByRole("row").count()).toBe(2);
    await second.shot("c08-conflict-merge");
    await row.getByLabel("Theirs").check();
    await merge.getByRole("button", { name: "Save with these choices" }).click();
    await second.page
      .getByRole("status")
      .filter({ hasText: "Saved. This is version 3." })
      .waitFor();
    const merged = await api<Item>(second, "GET", `${site.content}/${item.uid}`);
    expect(merged.fields).toMatchObject({
      title: "Syllabus (theirs)",
      description: "The plan, revised",
    });
  });

  it("keeps OCW markdown byte for byte through the rich editor", async () => {
    const owner = await person();
    await signIn(owner.page, demoOwner);
    const site = await courseSite(owner, `Markdown Course ${run}`);
    const file = await readFile(`${FIXTURES}/content/pages/subscripts-and-superscripts.md`, "utf8");
    const original = file.slice(file.indexOf("\n---\n", 4) + 5);
    expect(original).toContain("{{< tableopen >}}");
    const item = await api<Item>(owner, "POST", site.content, {
      collection: "page",
      fields: { title: "Subscripts and Superscripts" },
      body: original,
    });
    await owner.page.goto(`${site.ui}/items/${item.uid}`);
    const body = richText(owner.page, "Body");
    await body.locator(".md-atom", { hasText: "Shortcode: tableopen" }).waitFor();
    await owner.shot("c09-rich-shortcodes");

    // Opening and saving changes nothing.
    await owner.page.getByRole("button", { name: "Save", exact: true }).click();
    await owner.page.getByRole("status").filter({ hasText: "Nothing to save" }).waitFor();

    // An edit at the start (inside the bold "NOTE:") rewrites that paragraph only.
    await body.click();
    await owner.page.keyboard.press("Control+Home");
    await owner.page.keyboard.type("Intro. ");
    await owner.page.getByRole("button", { name: "Save", exact: true }).click();
    await owner.page.getByRole("status").filter({ hasText: "Saved. This is version 2." }).waitFor();
    const saved = await api<Item>(owner, "GET", `${site.content}/${item.uid}`);
    expect(saved.body).toBe(original.replace("**NOTE:**", "**Intro. NOTE:**"));

    // Markdown mode shows (and edits) the source itself.
    await owner.page.getByRole("button", { name: "Markdown", exact: true }).click();
    expect(await owner.page.getByLabel("Body").inputValue()).toBe(saved.body);
    await owner.page.getByRole("button", { name: "Rich text", exact: true }).click();
  });

  it("refuses to delete a resource that a page links, names the page, and deletes it anyway on request", async () => {
    const owner = await person();
    await signIn(owner.page, demoOwner);
    const site = await courseSite(owner, `Delete links ${run}`);
    const notes = await api<Item>(owner, "POST", site.content, {
      collection: "resource",
      fields: { title: "Lecture notes", resourcetype: "Document" },
    });
    await api<Item>(owner, "POST", site.content, {
      collection: "page",
      fields: { title: "Week 1" },
      body: `Read {{% resource_link "${notes.uid}" "the notes" %}}.`,
    });

    await owner.page.goto(`${site.ui}/items/${notes.uid}`);
    await owner.page.getByText("Delete item…").click();
    await owner.page.getByRole("button", { name: "Delete Lecture notes" }).click();
    const refused = owner.page.getByRole("alert").filter({ hasText: "Not deleted" });
    await refused.waitFor();
    expect(await refused.textContent()).toContain("linked from 1 item");
    expect(await refused.getByRole("link", { name: "Week 1" }).count()).toBe(1);
    // Nothing changed: still version 1, not deleted.
    const still = await api<Item & { deleted: boolean }>(
      owner,
      "GET",
      `${site.content}/${notes.uid}`,
    );
    expect(still).toMatchObject({ version: 1, deleted: false });
    await owner.shot("c12-delete-refused-links");

    await refused.getByText("Delete anyway…").click();
    await refused.getByRole("button", { name: "Delete Lecture notes anyway" }).click();
    await owner.page.getByRole("status").filter({ hasText: "The item was deleted" }).waitFor();
    await owner.page.getByRole("heading", { level: 2, name: "This item is deleted" }).waitFor();
    const gone = await api<Item & { deleted: boolean }>(
      owner,
      "GET",
      `${site.content}/${notes.uid}`,
    );
    expect(gone).toMatchObject({ version: 2, deleted: true });
  });

  it("works on a phone without JavaScript", async () => {
    const setup = await person();
    await signIn(setup.page, demoOwner);
    const site = await courseSite(setup, `Phone Course ${run}`);
    const phone = await person({ viewport: { width: 375, height: 740 }, javaScriptEnabled: false });
    await signIn(phone.page, demoOwner);
    await phone.page.goto(`${site.ui}/collections/resource/new`);
    // The server checks the form, with the API's own rules.
    await phone.page.getByRole("button", { name: "Create item" }).click();
    await phone.page.waitForLoadState("load");
    expect(
      await phone.page.getByRole("region", { name: "There is a problem" }).textContent(),
    ).toContain("Title is required");
    expect(await noHorizontalScroll(phone.page)).toBe(0);
    await phone.shot("c10-phone-no-js-errors");

    await phone.page.getByLabel("Title").fill("Lecture notes");
    await phone.page.getByLabel("Description", { exact: true }).fill("Notes, *all* of them.");
    await phone.page
      .getByRole("group", { name: "Learning resource types" })
      .getByLabel("Lecture Notes")
      .check();
    await phone.page.getByRole("button", { name: "Create item" }).click();
    await phone.page.getByRole("status").filter({ hasText: "Created." }).waitFor();
    const uid = uidIn(phone.page.url());
    await phone.page.getByLabel("Title").fill("Lecture notes, all terms");
    await phone.page.getByRole("button", { name: "Save", exact: true }).click();
    await phone.page.getByRole("status").filter({ hasText: "Saved. This is version 2." }).waitFor();
    const item = await api<Item>(setup, "GET", `${site.content}/${uid}`);
    expect(item.fields).toMatchObject({
      title: "Lecture notes, all terms",
      description: "Notes, *all* of them.",
      learning_resource_types: ["Lecture Notes"],
      resourcetype: "Document",
    });
    expect(item.fields).not.toHaveProperty("image_metadata");
    expect(await noHorizontalScroll(phone.page)).toBe(0);
    await phone.shot("c11-phone-no-js-saved");
  });
});

/** `/t/…/sites/…/content/items/<uid>` → the API path of that item. */
function contentPath(url: string): string {
  const m = /\/t\/([^/]+)\/sites\/([^/]+)\/content\/items\/([0-9a-f-]{36})/.exec(url);
  if (!m) throw new Error(`Not an item page: ${url}`);
  return `/tenants/${m[1]}/sites/${m[2]}/content/${m[3]}`;
}
