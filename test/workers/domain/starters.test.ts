import { describe, expect, it } from "vitest";
import { parseStarterYaml } from "#workers/domain/starters";
import ocwStudioYaml from "../../../../shared/fixtures/ocw/ocw-course-v2/ocw-studio.yaml?raw";

describe("parseStarterYaml", () => {
  it("loads OCW's real course starter unchanged", () => {
    const result = parseStarterYaml(ocwStudioYaml);
    if (!result.ok) throw new Error(JSON.stringify(result.errors, null, 2));
    const { config } = result;
    expect(config["root-url-path"]).toBe("courses");
    expect(config.collections.map((c) => c.name)).toEqual([
      "page",
      "resource-list",
      "video_gallery",
      "resource",
      "external-resource",
      "metadata",
      "menu",
    ]);
    const metadata = config.collections.find((c) => c.name === "metadata");
    const course = metadata?.files?.[0];
    expect(course?.file).toBe("data/course.json");
    const fields = new Map(course?.fields.map((f) => [f.name, f]));
    // A field without a widget but with options reads as a select, as OCW Studio treats it.
    expect(fields.get("department_numbers")?.widget).toBe("select");
    expect(fields.get("instructors")).toMatchObject({
      widget: "relation",
      website: "ocw-www",
      multiple: true,
    });
    const topics = fields.get("topics");
    expect(topics?.widget).toBe("hierarchical-select");
    expect(topics?.levels?.map((l) => l.name)).toEqual(["topic", "subtopic", "speciality"]);
    // The duplicated `Engineering` key: the later mapping wins.
    expect(Object.keys(topics?.options_map?.Engineering ?? {})).toContain("Mechanical Engineering");
    const resource = config.collections.find((c) => c.name === "resource");
    const image = resource?.fields?.find((f) => f.name === "image_metadata");
    expect(image?.condition).toEqual({ field: "resourcetype", equals: "Image" });
    expect(config.collections.find((c) => c.name === "menu")?.files?.[0]?.fields[0]?.widget).toBe(
      "menu",
    );
  });

  it("points at the offending path of an invalid field", () => {
    const yaml = `
collections:
  - name: page
    label: Pages
    folder: content/pages
    fields:
      - { label: Title, name: title, widget: string }
      - { label: Kind, name: kind, widget: select }
      - { label: Body, name: body, widget: wysiwyg }
`;
    const result = parseStarterYaml(yaml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const fields = result.errors.map((e) => e.field);
    expect(fields).toContain("collections[0].fields[2].widget");
  });

  it("rejects cross-field mistakes with their paths", () => {
    const yaml = `
collections:
  - name: page
    label: Pages
    folder: ../escape
    fields:
      - { label: Title, name: title }
      - { label: Title again, name: title }
      - { label: Author, name: author, widget: relation, collection: people }
      - { label: Kind, name: kind, widget: select }
  - name: page
    label: Dup
    files:
      - { file: /etc/passwd, name: x, label: X, fields: [{ label: A, name: a }] }
`;
    const result = parseStarterYaml(yaml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byField = Object.fromEntries(result.errors.map((e) => [e.field, e.message]));
    expect(byField["collections[0].fields[1].name"]).toMatch(/duplicate/);
    expect(byField["collections[0].fields[3].options"]).toMatch(/options/);
    expect(byField["collections[1].name"]).toMatch(/duplicate collection/);
    expect(byField["collections[0].folder"]).toMatch(/relative path/);
    expect(byField["collections[1].files[0].file"]).toMatch(/relative path/);
    expect(byField["collections[0].fields[2].collection"]).toMatch(/no collection named "people"/);
  });

  it("reports YAML syntax errors and refuses alias bombs", () => {
    const bad = parseStarterYaml("collections: [\n  - name: x");
    expect(bad.ok).toBe(false);
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 8; i++) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      lines.push(
        `${next}: &${next} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`,
      );
    }
    const bomb = parseStarterYaml(lines.join("\n"));
    expect(bomb.ok).toBe(false);
  });
});
