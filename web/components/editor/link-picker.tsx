// The markdown editor's "Insert link" and "Embed resource" dialog: find another item of the
// site by title (inserted as a Hugo `resource_link` / `resource` shortcode, which the export
// and the theme resolve), or give a web address.
import { useEffect, useId, useRef, useState } from "react";
import { useEditorEnv } from "./editor-context.ts";
import { resourceEmbedShortcode, resourceLinkShortcode } from "./markdown-shortcodes.ts";
import { SearchCombobox } from "./search-combobox.tsx";

export type PickerKind = "link" | "embed";

export function LinkPicker({
  kind,
  collections,
  selectedText,
  onInsertShortcode,
  onInsertUrl,
  onClose,
}: {
  kind: PickerKind;
  /** Collections the field may link to (`link`) or embed (`embed`); none: web links only. */
  collections: readonly string[];
  selectedText: string;
  onInsertShortcode: (raw: string) => void;
  onInsertUrl: (url: string, text: string) => void;
  onClose: () => void;
}) {
  const env = useEditorEnv();
  const id = useId();
  const [text, setText] = useState(selectedText);
  const [url, setUrl] = useState("https://");
  const [problem, setProblem] = useState("");
  const ref = useRef<HTMLDivElement>(null);
  const searchable = collections.filter((c) => c in env.collectionLabels);
  const title = kind === "embed" ? "Embed a resource" : "Insert a link";

  useEffect(() => {
    if (searchable.length === 0) ref.current?.querySelector<HTMLElement>("input")?.focus();
  }, [searchable.length]);

  const insertUrl = () => {
    if (!/^(https?:\/\/\S+|mailto:\S+|\/\S*)$/.test(url.trim()) || url.trim() === "https://") {
      setProblem("Give a full web address, starting with https://");
      return;
    }
    onInsertUrl(url.trim(), text.trim() || url.trim());
  };

  return (
    <div
      className="link-picker"
      role="dialog"
      aria-labelledby={`${id}-title`}
      ref={ref}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <h3 id={`${id}-title`}>{title}</h3>
      {kind === "link" ? (
        <label className="picker-field">
          <span>Link text</span>
          <input
            type="text"
            value={text}
            placeholder="The item's title when left empty"
            onChange={(e) => setText(e.target.value)}
          />
        </label>
      ) : null}
      {searchable.length > 0 ? (
        <SearchCombobox
          label={
            kind === "embed"
              ? "Find a resource"
              : `Find ${searchable.map((c) => env.collectionLabels[c]?.toLowerCase()).join(", ")}`
          }
          collections={searchable}
          collection={searchable.length === 1 ? searchable[0] : undefined}
          exclude={env.selfUid ? [env.selfUid] : []}
          autoFocus
          onPick={(hit) =>
            onInsertShortcode(
              kind === "embed"
                ? resourceEmbedShortcode(hit.uid)
                : resourceLinkShortcode(hit.uid, text.trim() || hit.title),
            )
          }
        />
      ) : null}
      {kind === "link" ? (
        <div className="picker-url">
          <label className="picker-field">
            <span>{searchable.length > 0 ? "Or a web address" : "Web address"}</span>
            <input
              type="url"
              value={url}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? `${id}-problem` : undefined}
              onChange={(e) => {
                setUrl(e.target.value);
                setProblem("");
              }}
              onKeyDown={(e) => {
                if (e.key === "Enter") {
                  e.preventDefault();
                  insertUrl();
                }
              }}
            />
          </label>
          <button type="button" className="button small" onClick={insertUrl}>
            Insert web link
          </button>
          {problem ? (
            <p className="field-error" id={`${id}-problem`}>
              {problem}
            </p>
          ) : null}
        </div>
      ) : null}
      <button type="button" className="button small" onClick={onClose}>
        Cancel
      </button>
    </div>
  );
}
