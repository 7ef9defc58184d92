// Markdown ↔ ProseMirror for the rich editor. Two promises to authors:
// - Hugo shortcodes (`{{< resource uid >}}`, `{{% resource_link "uid" "text" %}}`), raw HTML
//   and images are atoms that hold their source text and are written back byte for byte.
// - Only what was edited is rewritten. Each top-level block remembers the source it was parsed
//   from; on serialisation a block still equal to what was parsed is emitted as that source,
//   with the original text between unchanged neighbours, so editing one paragraph leaves every
//   other byte of the body as it was (markdown style, blank lines, reference definitions).
import MarkdownIt, { type StateCore, type StateInline } from "markdown-it";
import {
  schema as baseSchema,
  defaultMarkdownParser,
  defaultMarkdownSerializer,
  MarkdownParser,
  MarkdownSerializer,
} from "prosemirror-markdown";
import { type MarkType, type Node, type NodeType, Schema } from "prosemirror-model";
import { atomLabel } from "./markdown-shortcodes.ts";

const atomDom = (kind: string, raw: string, inline: boolean) =>
  [
    inline ? "span" : "div",
    { class: `md-atom md-atom-${kind}`, "data-raw": raw, title: raw, contenteditable: "false" },
    atomLabel(raw),
  ] as const;

export const markdownSchema = new Schema({
  nodes: baseSchema.spec.nodes
    .update("bullet_list", {
      ...baseSchema.spec.nodes.get("bullet_list"),
      attrs: { tight: { default: false }, bullet: { default: "-" } },
    })
    .update("image", {
      inline: true,
      group: "inline",
      draggable: true,
      attrs: { src: {}, alt: { default: null }, title: { default: null } },
      toDOM: (node) => [
        "span",
        { class: "md-atom md-atom-image", title: node.attrs.src, contenteditable: "false" },
        `Image: ${node.attrs.alt || node.attrs.src}`,
      ],
    })
    .append({
      shortcode: {
        inline: true,
        group: "inline",
        atom: true,
        selectable: true,
        attrs: { raw: {} },
        toDOM: (node) => atomDom("shortcode", node.attrs.raw, true),
      },
      html_inline: {
        inline: true,
        group: "inline",
        atom: true,
        attrs: { raw: {} },
        toDOM: (node) => atomDom("html", node.attrs.raw, true),
      },
      html_block: {
        group: "block",
        atom: true,
        attrs: { raw: {} },
        toDOM: (node) => atomDom("html", node.attrs.raw, false),
      },
    }),
  marks: baseSchema.spec.marks.append({
    sub: { parseDOM: [{ tag: "sub" }], toDOM: () => ["sub", 0] },
    sup: { parseDOM: [{ tag: "sup" }], toDOM: () => ["sup", 0] },
  }),
});

function required<T>(map: Record<string, T | undefined>, name: string): T {
  const found = map[name];
  if (!found) throw new Error(`The markdown schema has no "${name}"`);
  return found;
}

/** The node and mark types the editor's commands use, checked once. */
export const nodeTypes = Object.fromEntries(
  [
    "paragraph",
    "heading",
    "blockquote",
    "bullet_list",
    "ordered_list",
    "list_item",
    "hard_break",
    "shortcode",
  ].map((name) => [name, required(markdownSchema.nodes, name)]),
) as Record<
  | "paragraph"
  | "heading"
  | "blockquote"
  | "bullet_list"
  | "ordered_list"
  | "list_item"
  | "hard_break"
  | "shortcode",
  NodeType
>;

export const markTypes = Object.fromEntries(
  ["strong", "em", "link", "sub", "sup"].map((name) => [
    name,
    required(markdownSchema.marks, name),
  ]),
) as Record<"strong" | "em" | "link" | "sub" | "sup", MarkType>;

const SHORTCODE = /\{\{(?:<[\s\S]*?>\}\}|%[\s\S]*?%\}\})/y;

/** markdown-it inline rule: a Hugo shortcode is one token holding its exact source. */
function shortcodeRule(state: StateInline, silent: boolean): boolean {
  if (state.src.charCodeAt(state.pos) !== 0x7b || state.src.charCodeAt(state.pos + 1) !== 0x7b) {
    return false;
  }
  SHORTCODE.lastIndex = state.pos;
  const match = SHORTCODE.exec(state.src);
  if (!match || state.pos + match[0].length > state.posMax) return false;
  if (!silent) state.push("shortcode", "", 0).content = match[0];
  state.pos += match[0].length;
  return true;
}

/** `<sub>`/`<sup>` pairs in one paragraph become marks; lone tags stay raw HTML atoms. */
function subSupRule(state: StateCore) {
  for (const block of state.tokens) {
    if (block.type !== "inline" || !block.children) continue;
    const open: { tag: string; token: (typeof block.children)[number] }[] = [];
    for (const token of block.children) {
      if (token.type !== "html_inline") continue;
      const m = /^<(\/?)(sub|sup)>$/i.exec(token.content);
      if (!m) continue;
      const tag = (m[2] ?? "").toLowerCase();
      if (!m[1]) {
        open.push({ tag, token });
        continue;
      }
      const start = open.findLastIndex((o) => o.tag === tag);
      if (start < 0) continue;
      const opener = open[start];
      open.length = start;
      if (!opener) continue;
      opener.token.type = `${tag}_open`;
      token.type = `${tag}_close`;
    }
  }
}

const tokenizer = MarkdownIt("commonmark", { html: true });
tokenizer.inline.ruler.before("emphasis", "shortcode", shortcodeRule);
tokenizer.core.ruler.push("sub_sup", subSupRule);

const parser = new MarkdownParser(markdownSchema, tokenizer, {
  ...defaultMarkdownParser.tokens,
  bullet_list: {
    block: "bullet_list",
    getAttrs: (tok, tokens, i) => ({
      bullet: tok.markup || "-",
      tight: tokens.slice(i + 1).find((t) => t.type !== "list_item_open")?.hidden ?? false,
    }),
  },
  shortcode: { node: "shortcode", noCloseToken: true, getAttrs: (tok) => ({ raw: tok.content }) },
  html_inline: {
    node: "html_inline",
    noCloseToken: true,
    getAttrs: (tok) => ({ raw: tok.content }),
  },
  html_block: {
    node: "html_block",
    noCloseToken: true,
    getAttrs: (tok) => ({ raw: tok.content.replace(/\n$/, "") }),
  },
  sub: { mark: "sub" },
  sup: { mark: "sup" },
});
// A line break inside a paragraph stays a line break (the default turns it into a space).
(parser as unknown as { tokenHandlers: Record<string, unknown> }).tokenHandlers.softbreak =
  (state: { addText(text: string): void }) => state.addText("\n");

const serializer = new MarkdownSerializer(
  {
    ...defaultMarkdownSerializer.nodes,
    shortcode: (state, node) => state.text(node.attrs.raw, false),
    html_inline: (state, node) => state.text(node.attrs.raw, false),
    html_block: (state, node) => {
      state.text(node.attrs.raw, false);
      state.closeBlock(node);
    },
  },
  {
    ...defaultMarkdownSerializer.marks,
    sub: { open: "<sub>", close: "</sub>" },
    sup: { open: "<sup>", close: "</sup>" },
  },
);

/** One top-level block and the exact text it came from. */
type SourceBlock = { node: Node; text: string };

/** The parsed body's blocks and the text around and between them. */
export type MarkdownSource = {
  prefix: string;
  blocks: SourceBlock[];
  /** `gaps[i]` sits between block i and block i + 1. */
  gaps: string[];
  suffix: string;
};

function sourceOf(text: string, doc: Node): MarkdownSource | null {
  // markdown-it rewrites CR and NUL before counting lines; such bodies skip the block reuse.
  if (/[\r\0]/.test(text)) return null;
  const tokens = tokenizer.parse(text, {});
  const ranges: [number, number][] = [];
  for (const t of tokens) {
    if (t.level === 0 && t.nesting !== -1 && t.block && t.map) ranges.push(t.map);
  }
  if (ranges.length !== doc.childCount || ranges.length === 0) return null;
  const lineStart = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStart.push(i + 1);
  const startOf = (line: number) => lineStart[line] ?? text.length;
  // A block's text ends before the newline of its last line.
  const endOf = (line: number) => Math.max(startOf(line - 1), startOf(line) - 1);
  const spans = ranges.map(([from, to]) => [startOf(from), endOf(to)] as const);
  const blocks = spans.map(([from, to], i) => ({ node: doc.child(i), text: text.slice(from, to) }));
  const gaps = spans.slice(1).map(([from], i) => text.slice(spans[i]?.[1] ?? 0, from));
  return {
    prefix: text.slice(0, spans[0]?.[0] ?? 0),
    blocks,
    gaps,
    suffix: text.slice(spans.at(-1)?.[1] ?? text.length),
  };
}

export function parseMarkdown(text: string): { doc: Node; source: MarkdownSource | null } {
  const doc = parser.parse(text);
  return { doc, source: sourceOf(text, doc) };
}

function serializeBlock(node: Node): string {
  return serializer.serialize(markdownSchema.node("doc", null, [node])).replace(/\n+$/, "");
}

/**
 * The document as markdown: blocks equal to parsed ones are written as their source, the
 * rest are serialised; an unchanged document gives back the parsed text exactly.
 */
export function serializeMarkdown(doc: Node, source: MarkdownSource | null): string {
  if (!source) return serializer.serialize(doc);
  let out = source.prefix;
  let next = 0;
  let previous = -2;
  doc.forEach((node, _offset, index) => {
    let match = -1;
    for (let j = next; j < source.blocks.length; j++) {
      if (source.blocks[j]?.node.eq(node)) {
        match = j;
        break;
      }
    }
    const consecutive = match >= 0 && previous >= 0 && match === previous + 1;
    if (index > 0) out += consecutive ? source.gaps[previous] : "\n\n";
    if (match >= 0) {
      out += source.blocks[match]?.text ?? "";
      next = match + 1;
    } else {
      out += serializeBlock(node);
    }
    previous = match;
  });
  return out + source.suffix;
}
