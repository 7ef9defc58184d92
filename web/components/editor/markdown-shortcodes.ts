// Hugo shortcodes as the markdown editor writes and shows them. Kept apart from the ProseMirror
// document code so the eagerly loaded parts of the editor (the link dialog) stay small.

/** Short, readable text for an atom's source: a resource link shows its text, others their name. */
export function atomLabel(raw: string): string {
  const link = /^\{\{[<%]\s*resource_link\s+"?[^\s"]+"?\s+"((?:[^"\\]|\\.)*)"/.exec(raw);
  if (link) return `Link: ${(link[1] ?? "").replace(/<[^>]+>/g, "")}`;
  if (/^\{\{[<%]\s*resource\s/.test(raw)) return "Embedded resource";
  const shortcode = /^\{\{[<%]\s*(\/?\s*[\w-]+)/.exec(raw);
  if (shortcode) return `Shortcode: ${(shortcode[1] ?? "").replace(/\s+/g, "")}`;
  return raw.length > 60 ? `${raw.slice(0, 57)}…` : raw;
}

/** A shortcode argument in double quotes, as Hugo reads it. */
export function quoteArgument(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** The link OCW's exporter and Hugo theme understand for another item of the site. */
export function resourceLinkShortcode(uid: string, text: string): string {
  return `{{% resource_link ${quoteArgument(uid)} ${quoteArgument(text)} %}}`;
}

/** An embedded resource (image, video, file card), written as OCW's exports write it. */
export function resourceEmbedShortcode(uid: string): string {
  return `{{< resource ${uid} >}}`;
}
