// A searchable list of the site's items (WAI-ARIA combobox with a listbox popup): type to
// search, arrow keys to move, Enter to choose, Escape to close. Used by relation fields, the
// menu editor and the markdown "Insert link" dialog.
import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { type SearchHit, searchContent, useEditorEnv } from "./editor-context.ts";

type Props = {
  id?: string;
  label: string;
  /** Show the label on screen (otherwise it is only announced). */
  showLabel?: boolean;
  collection?: string | undefined;
  /** Keep only hits of these collections (the API filters one collection at a time). */
  collections?: readonly string[] | undefined;
  resourcetype?: string | undefined;
  exclude?: readonly string[];
  describedBy?: string | undefined;
  invalid?: boolean;
  autoFocus?: boolean;
  onPick: (hit: SearchHit) => void;
};

export function SearchCombobox({
  id,
  label,
  showLabel = true,
  collection,
  collections,
  resourcetype,
  exclude = [],
  describedBy,
  invalid,
  autoFocus,
  onPick,
}: Props) {
  const env = useEditorEnv();
  const generated = useId();
  const inputId = id ?? `${generated}-search`;
  const listId = `${inputId}-list`;
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [active, setActive] = useState(-1);
  const [status, setStatus] = useState("");
  const inputRef = useRef<HTMLInputElement>(null);
  const excluded = new Set(exclude);
  const shown = hits.filter(
    (h) => !excluded.has(h.uid) && (!collections || collections.includes(h.collection)),
  );

  useEffect(() => {
    if (!open) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      setStatus("Searching…");
      searchContent(
        env.searchUrl,
        {
          q: query.trim(),
          ...(collection ? { collection } : {}),
          ...(resourcetype ? { resourcetype } : {}),
        },
        controller.signal,
      )
        .then((found) => {
          setHits(found);
          setActive(-1);
          setStatus("");
        })
        .catch((error: unknown) => {
          if (!controller.signal.aborted) setStatus(`The search failed: ${String(error)}`);
        });
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [open, query, collection, resourcetype, env.searchUrl]);

  useEffect(() => {
    if (autoFocus) inputRef.current?.focus();
  }, [autoFocus]);

  // Focus stays in the search (to pick another) unless onPick moves it, e.g. into an editor.
  const choose = (hit: SearchHit) => {
    setQuery("");
    setOpen(false);
    setStatus(`${hit.title} chosen.`);
    inputRef.current?.focus();
    onPick(hit);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      setOpen(true);
      setActive((i) => Math.min(i + 1, shown.length - 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActive((i) => Math.max(i - 1, 0));
    } else if (event.key === "Enter") {
      // Never submits the item form from here.
      event.preventDefault();
      const hit = shown[active] ?? (shown.length === 1 ? shown[0] : undefined);
      if (open && hit) choose(hit);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
    }
  };

  const count =
    open && status === "" ? `${shown.length} ${shown.length === 1 ? "match" : "matches"}` : "";

  return (
    <div className="combobox">
      <label htmlFor={inputId} className={showLabel ? "combobox-label" : "visually-hidden"}>
        {label}
      </label>
      <input
        ref={inputRef}
        id={inputId}
        type="text"
        role="combobox"
        autoComplete="off"
        spellCheck={false}
        placeholder="Type to search by title"
        aria-autocomplete="list"
        aria-expanded={open && shown.length > 0}
        aria-controls={listId}
        aria-activedescendant={open && shown[active] ? `${listId}-${active}` : undefined}
        aria-describedby={describedBy}
        aria-invalid={invalid ? true : undefined}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
      />
      <div
        id={listId}
        role="listbox"
        aria-label={label}
        className="combobox-list"
        hidden={!open || shown.length === 0}
      >
        {shown.map((hit, i) => (
          <div
            key={hit.uid}
            id={`${listId}-${i}`}
            role="option"
            tabIndex={-1}
            aria-selected={i === active}
            className={i === active ? "combobox-option active" : "combobox-option"}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => choose(hit)}
            onKeyDown={(e) => {
              if (e.key === "Enter") choose(hit);
            }}
          >
            <span>{hit.title}</span>
            <span className="muted small">
              {env.collectionLabels[hit.collection] ?? hit.collection}
              {hit.resourcetype ? ` · ${hit.resourcetype}` : ""}
            </span>
          </div>
        ))}
      </div>
      <p className="visually-hidden" role="status">
        {status || count}
      </p>
    </div>
  );
}
