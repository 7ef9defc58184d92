// A markdown field: a plain textarea (always, before scripts run) and, once they do, a rich
// text mode people who do not write markdown can use. The chosen mode is remembered in the
// browser. Both modes can insert links to other items of the site and embed resources.
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { useEditorEnv } from "./editor-context.ts";
import type { WidgetProps } from "./field-list.tsx";
import { LinkPicker, type PickerKind } from "./link-picker.tsx";
import type { RichHandle } from "./rich-markdown.tsx";

const RichMarkdown = lazy(() => import("./rich-markdown.tsx"));

type Mode = "rich" | "source";
const MODE_KEY = "lectern.markdown-mode";

function storedMode(): Mode {
  try {
    return localStorage.getItem(MODE_KEY) === "source" ? "source" : "rich";
  } catch {
    return "rich";
  }
}

export function MarkdownInput(p: WidgetProps) {
  const env = useEditorEnv();
  const value = typeof p.value === "string" ? p.value : "";
  const minimal = p.field.minimal === true || p.field.minimal === "true";
  const links = p.field.link ?? [];
  const embeds = p.field.embed ?? [];
  const allowed = new Set(p.field.allowed_html ?? []);
  const [mode, setMode] = useState<Mode>("source");
  const [picker, setPicker] = useState<{ kind: PickerKind; selected: string } | null>(null);
  const rich = useRef<RichHandle | null>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const trigger = useRef<HTMLButtonElement | null>(null);

  useEffect(() => setMode(storedMode()), []);

  const choose = (next: Mode) => {
    setMode(next);
    setPicker(null);
    try {
      localStorage.setItem(MODE_KEY, next);
    } catch {
      // Private browsing without storage: the choice lasts for this page only.
    }
  };

  const showRich = env.hydrated && mode === "rich";

  const openPicker = (kind: PickerKind, button: HTMLButtonElement) => {
    trigger.current = button;
    const t = textarea.current;
    const selected = showRich
      ? (rich.current?.selectedText() ?? "")
      : t
        ? t.value.slice(t.selectionStart, t.selectionEnd)
        : "";
    setPicker({ kind, selected });
  };

  const closePicker = () => {
    setPicker(null);
    trigger.current?.focus();
  };

  /** Source mode: replace the selection, keep the cursor after the insert. */
  const insertText = (text: string) => {
    const t = textarea.current;
    if (!t) return;
    const start = t.selectionStart;
    const next = value.slice(0, start) + text + value.slice(t.selectionEnd);
    p.onChange(next);
    requestAnimationFrame(() => {
      t.focus();
      t.setSelectionRange(start + text.length, start + text.length);
    });
  };

  const insertShortcode = (raw: string) => {
    setPicker(null);
    if (showRich) rich.current?.insertShortcode(raw);
    else insertText(raw);
  };

  const insertUrl = (url: string, text: string) => {
    setPicker(null);
    if (showRich) rich.current?.insertLink(url, text);
    else insertText(`[${text.replace(/([[\]])/g, "\\$1")}](${url})`);
  };

  const insertButtons = p.disabled ? null : (
    <>
      <button
        type="button"
        className="md-tool"
        aria-haspopup="dialog"
        aria-expanded={picker?.kind === "link"}
        onMouseDown={(e) => e.preventDefault()}
        onClick={(e) => openPicker("link", e.currentTarget)}
      >
        Insert link
      </button>
      {embeds.length > 0 ? (
        <button
          type="button"
          className="md-tool"
          aria-haspopup="dialog"
          aria-expanded={picker?.kind === "embed"}
          onMouseDown={(e) => e.preventDefault()}
          onClick={(e) => openPicker("embed", e.currentTarget)}
        >
          Embed resource
        </button>
      ) : null}
    </>
  );

  const source = (
    <textarea
      ref={textarea}
      id={p.id}
      name={p.name}
      className={minimal ? "md-source minimal" : "md-source"}
      rows={minimal ? 4 : 14}
      disabled={p.disabled}
      aria-describedby={p.describedBy}
      aria-invalid={p.invalid ? true : undefined}
      aria-required={p.field.required ? true : undefined}
      value={value}
      onChange={(e) => p.onChange(e.target.value)}
    />
  );

  return (
    <div className="md-field">
      {env.hydrated ? (
        <div className="md-bar">
          <fieldset className="md-modes">
            <legend className="visually-hidden">Editing mode for {p.field.label}</legend>
            <button
              type="button"
              className="md-mode"
              aria-pressed={mode === "rich"}
              onClick={() => choose("rich")}
            >
              Rich text
            </button>
            <button
              type="button"
              className="md-mode"
              aria-pressed={mode === "source"}
              onClick={() => choose("source")}
            >
              Markdown
            </button>
          </fieldset>
          {showRich ? null : <div className="md-toolbar">{insertButtons}</div>}
        </div>
      ) : null}
      {picker ? (
        <LinkPicker
          kind={picker.kind}
          collections={picker.kind === "embed" ? embeds : links}
          selectedText={picker.selected}
          onInsertShortcode={insertShortcode}
          onInsertUrl={insertUrl}
          onClose={closePicker}
        />
      ) : null}
      {showRich ? (
        <Suspense fallback={source}>
          <RichMarkdown
            id={p.id}
            value={value}
            onChange={p.onChange}
            labelledBy={p.labelId}
            describedBy={p.describedBy}
            minimal={minimal}
            subSup={allowed.has("sub") || allowed.has("sup")}
            disabled={p.disabled}
            handleRef={rich}
            extraTools={insertButtons}
          />
        </Suspense>
      ) : (
        source
      )}
    </div>
  );
}
