// A live site's JSON for catalogs (schemas/learn.ts, `siteJson`): the course metadata mapped to
// the names and shapes of OCW's course `data.json`, which MIT Learn's OCW ETL reads
// (course_title, course_description_html, primary_course_number, extra_course_numbers as one
// comma-separated string, year as a string, topics as lists of [topic, subtopic, speciality],
// instructors with first/last name, salutation and `title`, image_src and
// course_image_metadata.image_metadata["image-alt"]…), plus what a catalog needs to link to the
// site: its live and offline URLs, publish and update times, and a map of its content.
//
// Decisions (docs/decisions/011-learn-integration.md):
// - The JSON is made from the site's current content in D1, not from the live deploy's files:
//   metadata edits on a live site reach the catalog with a `site.updated` event without a
//   rebuild. `content_version` and `live_content_version` tell a consumer when the live
//   pages are older than the metadata. Drafts are left out of the content map.
// - URLs follow the theme's rules (builder/theme/lectern-course): an item's page is its path
//   under the content folder (`/pages/intro/`), a resource's `file` given as OCW's
//   `/<site_url_path>/<name>` is served from the site's root, a full URL stays as it is.
// - The description's HTML is rendered from its markdown here (markdown-it, raw HTML off),
//   with OCW's `{{% resource_link "uid" "text" %}}` shortcode turned into a link to the item
//   (an external resource: to its URL).
// Pure: the loader (workers/public/site-json-loader.ts) reads D1 and passes everything in.
import MarkdownIt from "markdown-it";
import type { SiteJson } from "#schemas/learn";
import type { StarterConfig } from "#schemas/starter";
import { isPlainObject, mergeValues, pageRefOf } from "./hugo-export.ts";

export type SiteJsonItem = {
  uid: string;
  collection: string;
  filename: string;
  title: string;
  resourcetype: string | null;
  data: Record<string, unknown>;
  extra: Record<string, unknown>;
};

export type SiteJsonInput = {
  site: {
    id: string;
    uid: string;
    slug: string;
    urlPath: string;
    title: string;
    contentVersion: number;
    liveContentVersion: number | null;
    updatedAt: Date;
  };
  tenantSlug: string;
  starterSlug: string;
  config: StarterConfig;
  /** The live site's base URL, with a trailing slash. */
  liveBaseUrl: string;
  /** The offline copy's URL (delivery's OFFLINE_PATH on the live host). */
  offlineUrl: string;
  publishedAt: Date;
  items: SiteJsonItem[];
};

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

const str = (v: unknown): string =>
  typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "";

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(str).filter((s) => s !== "") : str(v) ? [str(v)] : [];

/** A relation's uids, whether stored as a list, one uid, or OCW's `{ content, website }`. */
function uidsOf(v: unknown): string[] {
  if (isPlainObject(v)) return uidsOf(v.content);
  return strings(v);
}

function topicsOf(v: unknown): string[][] {
  if (!Array.isArray(v)) return [];
  return v.map((t) => strings(t)).filter((t) => t.length > 0);
}

/** The site metadata item: the `files` entry named `sitemetadata`, or the first one. */
function metadataOf(config: StarterConfig, items: SiteJsonItem[]) {
  const entries = config.collections.flatMap((c) =>
    (c.files ?? []).map((f) => ({ collection: c.name, name: f.name })),
  );
  const entry = entries.find((e) => e.name === "sitemetadata") ?? entries[0];
  const item = entry
    ? items.find((i) => i.collection === entry.collection && i.filename === entry.name)
    : undefined;
  return item ? mergeValues(item.extra, item.data) : {};
}

function isFolderCollection(config: StarterConfig, name: string) {
  return config.collections.some((c) => c.name === name && c.folder !== undefined);
}

/** The URL of a resource's file on the live site (see builder/theme's lectern/media-url.html). */
export function fileUrl(file: unknown, urlPath: string, baseUrl: string): string | null {
  const f = str(file);
  if (!f) return null;
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(f)) return f;
  const prefix = `/${urlPath.replace(/^\/+|\/+$/g, "")}/`;
  const path = (f.startsWith(prefix) ? f.slice(prefix.length) : f).replace(/^\/+/, "");
  return new URL(path, baseUrl).toString();
}

export function renderDescription(text: string, linkOf: (uid: string) => string | null): string {
  const withLinks = text.replace(
    /\{\{[%<]\s*resource_link\s+"([^"]*)"\s+"((?:[^"\\]|\\.)*)"(?:\s+"[^"]*")?\s*[%>]\}\}/g,
    (_m, uid: string, label: string) => {
      const href = linkOf(uid);
      const clean = label.replace(/\\"/g, '"').replace(/[[\]]/g, "\\$&");
      return href ? `[${clean}](${href})` : clean;
    },
  );
  // Other shortcodes have no meaning outside the site: dropped.
  const plain = withLinks.replace(/\{\{[%<][\s\S]*?[%>]\}\}/g, "");
  return plain.trim() ? md.render(plain) : "";
}

export function buildSiteJson(input: SiteJsonInput): SiteJson {
  const { config, items, site, liveBaseUrl } = input;
  const values = metadataOf(config, items);
  const byUid = new Map(items.map((i) => [i.uid, i]));
  const pageUrl = (item: SiteJsonItem) => {
    const ref = pageRefOf(config, item);
    return ref ? new URL(`${ref.replace(/^\/+/, "")}/`, liveBaseUrl).toString() : null;
  };

  const instructors = uidsOf(values.instructors).flatMap((uid) => {
    const item = byUid.get(uid);
    if (!item) return [];
    const v = mergeValues(item.extra, item.data);
    return [
      {
        uid,
        first_name: str(v.first_name),
        last_name: str(v.last_name),
        middle_initial: str(v.middle_initial),
        salutation: str(v.salutation),
        title: str(v.title) || item.title,
      },
    ];
  });

  let imageSrc: string | null = null;
  let imageMeta: SiteJson["course_image_metadata"] = null;
  const imageItem = uidsOf(values.course_image)
    .map((uid) => byUid.get(uid))
    .find((i) => i !== undefined);
  if (imageItem) {
    const v = mergeValues(imageItem.extra, imageItem.data);
    const url = fileUrl(v.file, site.urlPath, liveBaseUrl);
    if (url) {
      const im = isPlainObject(v.image_metadata) ? v.image_metadata : {};
      imageSrc = url;
      imageMeta = {
        uid: imageItem.uid,
        title: imageItem.title,
        description: str(v.description),
        file: url,
        file_type: str(v.file_type),
        image_metadata: {
          "image-alt": str(im["image-alt"]),
          caption: str(im.caption),
          credit: str(im.credit),
        },
      };
    }
  }

  const content: SiteJson["content"] = [];
  for (const item of items) {
    if (!isFolderCollection(config, item.collection)) continue;
    const v = mergeValues(item.extra, item.data);
    if (v.draft === true) continue;
    const url = pageUrl(item);
    if (!url) continue;
    const file = fileUrl(v.file, site.urlPath, liveBaseUrl);
    content.push({
      uid: item.uid,
      title: item.title,
      type: item.collection,
      resource_type: item.resourcetype,
      url,
      file_url: file,
      file_type: file ? str(v.file_type) || null : null,
      learning_resource_types: strings(v.learning_resource_types),
    });
  }
  content.sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));

  const description = str(values.course_description);
  // An external resource links to where it points, as on OCW's sites; anything else to its page.
  const linkOf = (uid: string) => {
    const item = byUid.get(uid);
    if (!item) return null;
    const external = mergeValues(item.extra, item.data).external_url;
    return typeof external === "string" && /^https?:\/\//.test(external) ? external : pageUrl(item);
  };
  const hideDownload = values.hide_download === true;
  const numbers = values.extra_course_numbers;
  return {
    site_id: site.id,
    site_uid: site.uid,
    site_short_id: site.slug,
    site_url_path: site.urlPath,
    tenant: input.tenantSlug,
    starter: input.starterSlug,
    course_title: str(values.course_title) || site.title,
    course_description: description,
    course_description_html: renderDescription(description, linkOf),
    primary_course_number: str(values.primary_course_number),
    extra_course_numbers: Array.isArray(numbers) ? strings(numbers).join(", ") : str(numbers),
    term: str(values.term),
    year: str(values.year),
    level: strings(values.level),
    department_numbers: strings(values.department_numbers),
    topics: topicsOf(values.topics),
    learning_resource_types: strings(values.learning_resource_types),
    audience: strings(values.audience),
    instructors,
    image_src: imageSrc,
    course_image_metadata: imageMeta,
    hide_download: hideDownload,
    legacy_uid: str(values.legacy_uid),
    url: liveBaseUrl,
    download_url: hideDownload ? null : input.offlineUrl,
    published_at: input.publishedAt.toISOString(),
    updated_at: site.updatedAt.toISOString(),
    content_version: site.contentVersion,
    live_content_version: site.liveContentVersion,
    content,
  };
}
