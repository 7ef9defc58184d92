// Course archives for the publish benchmark, imported through `POST …/sites/import` (one
// request, one D1 batch: seconds, where creating 3,000 items through the content API from 20
// clients takes minutes on this machine's kind). Two sources:
// - OCW's fixture course (/work/shared/fixtures/ocw/ocw-ci-test-course), packed as it is;
// - a generated course shaped like an OCW Studio export (the tree `GET …/export` writes and the
//   import reads: content/pages, content/resources, data/course.json, config/_default/menus.yaml)
//   with the content of course-content.mjs, so its pages are the content benchmark's pages.
// Archives are written with the system's `tar` (GNU tar on Debian) into a temporary folder.
import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import { stringify } from "yaml";
import {
  menuCreate,
  metadataCreate,
  pageCreate,
  resourceCreate,
  seededRandom,
} from "./course-content.mjs";

const run = promisify(execFile);

/** The folder the generated course sits in inside its archive (also its `site_short_id`). */
export const GENERATED_FOLDER = "bench-course";

/**
 * A version-4-shaped UUID from a seeded generator, so runs import the same uids.
 * @param {() => number} rng
 */
export function seededUuid(rng) {
  const hex = Array.from({ length: 32 }, () => Math.floor(rng() * 16).toString(16));
  hex[12] = "4";
  hex[16] = ((Number.parseInt(/** @type {string} */ (hex[16]), 16) & 0x3) | 0x8).toString(16);
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/**
 * A file name (without `.md`) as OCW Studio makes them: lower case, runs of anything else
 * than letters and digits as one `-`, trimmed.
 * @param {string} text
 */
export function slugify(text) {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * A markdown file with YAML front matter, keys sorted as the export writes them.
 * @param {Record<string, unknown>} front
 * @param {string} [body]
 */
export function frontMatterFile(front, body = "") {
  const sorted = Object.fromEntries(Object.entries(front).sort(([a], [b]) => (a < b ? -1 : 1)));
  return `---\n${stringify(sorted, { lineWidth: 0 })}---\n${body}`;
}

/**
 * The generated course as files (path inside the course folder → text): `resources`
 * resources, `pages` pages (1–5 KB of markdown with resource_link shortcodes), the course
 * metadata and a menu of the first 40 pages. Deterministic for given sizes.
 * @param {{ pages: number, resources: number }} size
 * @returns {{ files: Map<string, string>, pages: { uid: string, filename: string, title: string }[] }}
 */
export function generatedCourseFiles({ pages, resources }) {
  const rng = seededRandom(801);
  const uids = seededRandom(8010);
  /** @type {Map<string, string>} */
  const files = new Map();
  /** @type {string[]} */
  const resourceUids = [];
  /** @type {string | undefined} */
  let imageUid;
  for (let i = 0; i < resources; i++) {
    const { fields } = resourceCreate(rng, i);
    const uid = seededUuid(uids);
    resourceUids.push(uid);
    if (!imageUid && fields.resourcetype === "Image") imageUid = uid;
    const name = basename(fields.file).replace(/\./g, "_");
    files.set(
      `content/resources/${name}.md`,
      frontMatterFile({ ...fields, body: "", content_type: "resource", draft: false, uid }),
    );
  }
  /** @type {{ uid: string, filename: string, title: string }[]} */
  const pageList = [];
  for (let i = 0; i < pages; i++) {
    const { fields, body } = pageCreate(rng, i, resourceUids);
    const uid = seededUuid(uids);
    const filename = slugify(fields.title);
    pageList.push({ uid, filename, title: fields.title });
    files.set(
      `content/pages/${filename}.md`,
      frontMatterFile({ ...fields, content_type: "page", draft: false, uid }, body),
    );
  }
  const metadata = metadataCreate(imageUid).fields;
  const course = {
    ...metadata,
    ...(imageUid ? { course_image: { content: imageUid, website: GENERATED_FOLDER } } : {}),
    site_short_id: GENERATED_FOLDER,
  };
  files.set("data/course.json", `${JSON.stringify(course, null, 2)}\n`);
  const byUid = new Map(pageList.map((p) => [p.uid, p]));
  const leftnav = menuCreate(pageList).fields.leftnav.map((entry) => ({
    ...entry,
    pageRef: `/pages/${byUid.get(entry.identifier)?.filename}`,
  }));
  files.set("config/_default/menus.yaml", stringify({ leftnav }, { lineWidth: 0 }));
  return { files, pages: pageList };
}

/**
 * Writes the generated course under `dir/<GENERATED_FOLDER>/` and packs it as a tar.gz.
 * @param {string} dir a temporary folder
 * @param {{ pages: number, resources: number }} size
 * @returns {Promise<{ archive: string, files: number, bytes: number }>}
 */
export async function generatedCourseArchive(dir, size) {
  const { files } = generatedCourseFiles(size);
  const root = join(dir, GENERATED_FOLDER);
  for (const [path, text] of files) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  const archive = join(dir, `${GENERATED_FOLDER}.tar.gz`);
  await run("tar", ["-czf", archive, "-C", dir, GENERATED_FOLDER]);
  return { archive, files: files.size, bytes: (await readFile(archive)).byteLength };
}

/**
 * Packs an unpacked course folder (OCW's fixture) as `dir/<name>.tar.gz`, the folder on top.
 * @param {string} courseDir
 * @param {string} dir
 */
export async function folderArchive(courseDir, dir) {
  const archive = join(dir, `${basename(courseDir)}.tar.gz`);
  await run("tar", ["-czf", archive, "-C", dirname(courseDir), basename(courseDir)]);
  return { archive, bytes: (await readFile(archive)).byteLength };
}
