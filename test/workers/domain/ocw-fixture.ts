// OCW's real course export and starters, as the importer and exporter tests read them.
import type { StarterConfig } from "#schemas/starter";
import type { ImportFile } from "#workers/domain/ocw-import";
import { parseStarterYaml } from "#workers/domain/starters";
import ocwStudioYaml from "../../../../shared/fixtures/ocw/ocw-course-v2/ocw-studio.yaml?raw";
import courseYaml from "../../../workers/domain/builtin-starters/course.yaml?raw";

/** Every file of ../shared/fixtures/ocw/ocw-ci-test-course, by its path from this folder. */
export const fixture = import.meta.glob<string>(
  "../../../../shared/fixtures/ocw/ocw-ci-test-course/**/*",
  { query: "?raw", import: "default", eager: true },
);
export const FIXTURE_ROOT = "../../../../shared/fixtures/ocw/ocw-ci-test-course/";

export const encode = (text: string) => new TextEncoder().encode(text);

/** The fixture as an unpacked archive: paths under its top folder, `ocw-ci-test-course/`. */
export const archive: ImportFile[] = Object.entries(fixture).map(([path, text]) => ({
  path: path.replace(/^.*\/fixtures\/ocw\//, ""),
  bytes: encode(text),
}));

export function starter(yaml: string): StarterConfig {
  const parsed = parseStarterYaml(yaml);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
}
/** OCW's own starter, and Lectern's built-in course starter. */
export const ocw = starter(ocwStudioYaml);
export const course = starter(courseYaml);
