// The rich (WYSIWYG) mode of a markdown field: ProseMirror over the document model in
// markdown-document.ts. Loaded on demand (React.lazy), so pages render and work without it.
// The markdown string it reports changes only when the document does, and blocks nobody
// touched keep their exact source.
import { baseKeymap, lift, setBlockType, toggleMark, wrapIn } from "prosemirror-commands";
import { history, redo, undo } from "prosemirror-history";
import {
  type InputRule,
  inputRules,
  textblockTypeInputRule,
  wrappingInputRule,
} from "prosemirror-inputrules";
import { keymap } from "prosemirror-keymap";
import type { MarkType, NodeType } from "prosemirror-model";
import { liftListItem, sinkListItem, splitListItem, wrapInList } from "prosemirror-schema-list";
import { type Command, EditorState, type Plugin } from "prosemirror-state";
import { EditorView } from "prosemirror-view";
import { type RefObject, useEffect, useImperativeHandle, useRef, useState } from "react";
import {
  type MarkdownSource,
  markdownSchema,
  markTypes as marks,
  nodeTypes as nodes,
  parseMarkdown,
  serializeMarkdown,
} from "./markdown-document.ts";

/** What the field around the editor asks of it (inserting from the link dialog). */
export type RichHandle = {
  insertShortcode(raw: string): void;
  insertLink(href: string, text: string): void;
  selectedText(): string;
  focus(): void;
};

const insertHardBreak: Command = (state, dispatch) => {
  dispatch?.(state.tr.replaceSelectionWith(nodes.hard_break.create()).scrollIntoView());
  return true;
};

function plugins(minimal: boolean): Plugin[] {
  const listItem = nodes.list_item;
  const blockRules: InputRule[] = minimal
    ? []
    : [
        textblockTypeInputRule(/^(#{2,4})\s$/, nodes.heading, (m) => ({
          level: m[1]?.length ?? 2,
        })),
        wrappingInputRule(/^\s*([-*])\s$/, nodes.bullet_list),
        wrappingInputRule(/^(\d+)\.\s$/, nodes.ordered_list, (m) => ({ order: Number(m[1]) })),
        wrappingInputRule(/^\s*>\s$/, nodes.blockquote),
      ];
  return [
    history(),
    inputRules({ rules: blockRules }),
    keymap({
      "Mod-z": undo,
      "Shift-Mod-z": redo,
      "Mod-y": redo,
      "Mod-b": toggleMark(marks.strong),
      "Mod-i": toggleMark(marks.em),
      "Shift-Enter": insertHardBreak,
      Enter: splitListItem(listItem),
      "Mod-[": liftListItem(listItem),
      "Mod-]": sinkListItem(listItem),
    }),
    keymap(baseKeymap),
  ];
}

function markActive(state: EditorState, type: MarkType): boolean {
  const { from, $from, to, empty } = state.selection;
  if (empty) return Boolean(type.isInSet(state.storedMarks ?? $from.marks()));
  return state.doc.rangeHasMark(from, to, type);
}

function blockActive(state: EditorState, type: NodeType, attrs?: Record<string, unknown>): boolean {
  const parent = state.selection.$from.parent;
  if (parent.type !== type) return false;
  return !attrs || Object.entries(attrs).every(([k, v]) => parent.attrs[k] === v);
}

function inList(state: EditorState, type: NodeType): boolean {
  const { $from } = state.selection;
  for (let d = $from.depth; d > 0; d--) if ($from.node(d).type === type) return true;
  return false;
}

type Tool = {
  label: string;
  text: string;
  run: Command;
  active?: (state: EditorState) => boolean;
  /** A tool that toggles (aria-pressed) rather than acts once. */
  toggle?: boolean;
};

function tools(minimal: boolean, subSup: boolean): Tool[][] {
  const markTool = (type: MarkType, label: string, text: string): Tool => ({
    label,
    text,
    run: toggleMark(type),
    active: (s) => markActive(s, type),
    toggle: true,
  });
  const inline = [
    markTool(marks.strong, "Bold", "B"),
    markTool(marks.em, "Italic", "I"),
    ...(subSup
      ? [markTool(marks.sub, "Subscript", "x₂"), markTool(marks.sup, "Superscript", "x²")]
      : []),
  ];
  if (minimal) return [inline];
  // Pressed again, a heading or a list goes back to plain paragraphs.
  const heading = (level: number): Tool => ({
    label: `Heading ${level}`,
    text: `H${level}`,
    run: (s, d, v) =>
      blockActive(s, nodes.heading, { level })
        ? setBlockType(nodes.paragraph)(s, d, v)
        : setBlockType(nodes.heading, { level })(s, d, v),
    active: (s) => blockActive(s, nodes.heading, { level }),
    toggle: true,
  });
  const list = (type: NodeType, label: string, text: string): Tool => ({
    label,
    text,
    run: (s, d, v) =>
      inList(s, type) ? liftListItem(nodes.list_item)(s, d, v) : wrapInList(type)(s, d, v),
    active: (s) => inList(s, type),
    toggle: true,
  });
  return [
    inline,
    [
      {
        label: "Paragraph",
        text: "¶",
        run: setBlockType(nodes.paragraph),
        active: (s) => blockActive(s, nodes.paragraph),
        toggle: true,
      },
      heading(2),
      heading(3),
    ],
    [
      list(nodes.bullet_list, "Bulleted list", "• List"),
      list(nodes.ordered_list, "Numbered list", "1. List"),
      { label: "Quote", text: "❝", run: wrapIn(nodes.blockquote) },
      { label: "Lift out of list or quote", text: "⇤", run: lift },
    ],
    [
      { label: "Undo", text: "↶", run: undo },
      { label: "Redo", text: "↷", run: redo },
    ],
  ];
}

export default function RichMarkdown({
  id,
  value,
  onChange,
  labelledBy,
  describedBy,
  minimal,
  subSup,
  disabled,
  handleRef,
  extraTools,
}: {
  /** The editable area's id, so the error summary's link lands in it. */
  id: string;
  value: string;
  onChange: (markdown: string) => void;
  labelledBy: string;
  describedBy: string | undefined;
  minimal: boolean;
  subSup: boolean;
  disabled: boolean;
  handleRef: RefObject<RichHandle | null>;
  /** Buttons the field adds to the toolbar (insert link, embed). */
  extraTools: React.ReactNode;
}) {
  const mount = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const source = useRef<MarkdownSource | null>(null);
  const emitted = useRef(value);
  const report = useRef(onChange);
  report.current = onChange;
  const [state, setState] = useState<EditorState | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the view is made once; later values arrive through the effect below
  useEffect(() => {
    const parsed = parseMarkdown(value);
    source.current = parsed.source;
    const editor: EditorView = new EditorView(mount.current, {
      state: EditorState.create({ doc: parsed.doc, plugins: plugins(minimal) }),
      editable: () => !disabled,
      attributes: {
        id,
        role: "textbox",
        "aria-multiline": "true",
        "aria-labelledby": labelledBy,
        ...(describedBy ? { "aria-describedby": describedBy } : {}),
        class: minimal ? "md-rich-content minimal" : "md-rich-content",
        spellcheck: "true",
      },
      dispatchTransaction: (tr) => {
        const next = editor.state.apply(tr);
        editor.updateState(next);
        setState(next);
        if (tr.docChanged) {
          const markdown = serializeMarkdown(next.doc, source.current);
          emitted.current = markdown;
          report.current(markdown);
        }
      },
    });
    view.current = editor;
    setState(editor.state);
    return () => {
      editor.destroy();
      view.current = null;
    };
  }, []);

  // A value that did not come from this editor (e.g. typed in source mode) replaces the document.
  useEffect(() => {
    const editor = view.current;
    if (!editor || value === emitted.current) return;
    const parsed = parseMarkdown(value);
    source.current = parsed.source;
    emitted.current = value;
    editor.updateState(EditorState.create({ doc: parsed.doc, plugins: editor.state.plugins }));
    setState(editor.state);
  }, [value]);

  useImperativeHandle(handleRef, () => ({
    insertShortcode(raw) {
      const editor = view.current;
      if (!editor) return;
      const atom = nodes.shortcode.create({ raw });
      editor.dispatch(editor.state.tr.replaceSelectionWith(atom, false).scrollIntoView());
      editor.focus();
    },
    insertLink(href, text) {
      const editor = view.current;
      if (!editor) return;
      const { state: s } = editor;
      const link = marks.link.create({ href, title: null });
      const tr = s.selection.empty
        ? s.tr.replaceSelectionWith(markdownSchema.text(text, [link]), false)
        : s.tr.addMark(s.selection.from, s.selection.to, link);
      editor.dispatch(tr.scrollIntoView());
      editor.focus();
    },
    selectedText() {
      const s = view.current?.state;
      return s ? s.doc.textBetween(s.selection.from, s.selection.to, " ") : "";
    },
    focus() {
      view.current?.focus();
    },
  }));

  const run = (command: Command) => {
    const editor = view.current;
    if (!editor) return;
    command(editor.state, editor.dispatch, editor);
    editor.focus();
  };

  return (
    <div className={disabled ? "md-rich disabled" : "md-rich"}>
      {disabled ? null : (
        <div className="md-toolbar" role="toolbar" aria-label="Formatting">
          {tools(minimal, subSup).map((group) => (
            <div className="md-tool-group" key={group[0]?.label}>
              {group.map((tool) => {
                const active = state && tool.active ? tool.active(state) : false;
                return (
                  <button
                    key={tool.label}
                    type="button"
                    className={active ? "md-tool active" : "md-tool"}
                    title={tool.label}
                    aria-label={tool.label}
                    aria-pressed={tool.toggle ? active : undefined}
                    disabled={!state || (!active && !tool.run(state))}
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => run(tool.run)}
                  >
                    {tool.text}
                  </button>
                );
              })}
            </div>
          ))}
          <div className="md-tool-group">{extraTools}</div>
        </div>
      )}
      <div ref={mount} className="md-rich-mount" />
    </div>
  );
}
