// The root Hugo configuration a site build needs with the lectern-course theme.
//
// Why the builder writes these and not the theme's own hugo.toml: Hugo 0.111 takes only
// `params`, menus, `outputFormats`, `mediaTypes` and languages from a theme's configuration
// (checked); `markup`, `outputs`, `disableKinds`, `relativeURLs` and `uglyURLs` in a theme are
// ignored, and later Hugo versions change what merges (`_merge`). So the theme keeps only its
// parameter defaults, and everything else is here, for the builder to write as the site's root
// `hugo.toml` (the export's config/_default/menus.yaml merges with it).
//
// Decisions:
// - Raw HTML in markdown is rendered (`unsafe`): OCW content uses <sub>/<sup> and the
//   `{{% resource_link %}}` shortcode's output goes through goldmark. Authors are the site's
//   own editors; the content validator limits the HTML they may write (`allowed_html`).
// - No taxonomy, term or RSS pages: a course site has none, and OCW's `learning_resource_types`
//   front matter would otherwise create them.
// - The offline build: relative URLs and `foo.html` files, so the copy opens from `file://`;
//   `params.offline` hides what only works online (the download link, Learn JSON, sitemap).
// - The search page is an output format of the home page (`search/index.html`, layouts/
//   index.search.html), not a content file: it needs no content from the export, and it is
//   there in every build. The builder indexes the site with Pagefind after Hugo
//   (builder/src/search-index.ts); where the index goes is said once, here, for both.

export type SiteConfigOptions = {
  /** Theme name, a folder of `themesDir`. */
  theme: string;
  /** Absolute path of the folder holding the themes. */
  themesDir: string;
  /** The offline copy (opens from file://) rather than the online site. */
  offline?: boolean;
};

export const THEME_NAME = "lectern-course";

/** Pagefind's output folder in a built site. */
export const SEARCH_INDEX_DIR = "pagefind";
/**
 * Where the theme lists each resource's file URL (uid → URL, through the same partial that
 * links it), for the builder to reference the uploaded file in the deploy; never published.
 */
export const MEDIA_LIST_FILE = "lectern-media.json";
/** The offline copy's search index: one classic script, as file:// allows no fetch(). */
export const OFFLINE_SEARCH_BUNDLE = `${SEARCH_INDEX_DIR}/lectern-offline.js`;

/** The site's root `hugo.toml`. */
export function siteConfigToml({ theme, themesDir, offline = false }: SiteConfigOptions): string {
  const lines = [
    `theme = ${JSON.stringify(theme)}`,
    `themesDir = ${JSON.stringify(themesDir)}`,
    `defaultContentLanguage = "en"`,
    `disableKinds = ${JSON.stringify(
      offline ? ["taxonomy", "term", "rss", "sitemap", "robotstxt"] : ["taxonomy", "term", "rss"],
    )}`,
    `relativeURLs = ${offline}`,
    `uglyURLs = ${offline}`,
    "",
    "[params]",
    `offline = ${offline}`,
    `search_index_dir = ${JSON.stringify(SEARCH_INDEX_DIR)}`,
    `search_offline_bundle = ${JSON.stringify(OFFLINE_SEARCH_BUNDLE)}`,
    "",
    // Per-site JSON for Learn on the home page: /learn.json (layouts/index.learn.json).
    "[outputFormats.learn]",
    `mediaType = "application/json"`,
    `baseName = "learn"`,
    "isPlainText = true",
    "notAlternative = true",
    "",
    // The search page: /search/ (layouts/index.search.html).
    "[outputFormats.search]",
    `mediaType = "text/html"`,
    `baseName = "index"`,
    `path = "search"`,
    "isHTML = true",
    "notAlternative = true",
    "permalinkable = true",
    "",
    // The resources' file URLs for the builder: /lectern-media.json (index.media.json).
    "[outputFormats.media]",
    `mediaType = "application/json"`,
    `baseName = ${JSON.stringify(MEDIA_LIST_FILE.replace(/\.json$/, ""))}`,
    "isPlainText = true",
    "notAlternative = true",
    "",
    "[outputs]",
    // The media list is for the online deploy's references; the offline copy has none.
    `home = ${JSON.stringify(offline ? ["HTML", "search"] : ["HTML", "learn", "search", "media"])}`,
    // Hugo 0.111 still writes section feeds with "rss" disabled.
    `section = ["HTML"]`,
    "",
    "[markup.goldmark.renderer]",
    "unsafe = true",
    "",
  ];
  return lines.join("\n");
}
