// A relation to other items. Before scripts run it is a select (or checkboxes, for several)
// of the first items by title; with scripts, the chosen items plus a search over the whole
// collection. Relations to other sites are uids typed in.
import { useState } from "react";
import { isCrossSite, relationUids, withRelationUids } from "../../lib/content-values.ts";
import { useEditorEnv } from "./editor-context.ts";
import type { WidgetProps } from "./field-list.tsx";
import { SearchCombobox } from "./search-combobox.tsx";

function CrossSiteInput(p: WidgetProps) {
  const [text, setText] = useState(() => relationUids(p.value).join("\n"));
  const update = (next: string) => {
    setText(next);
    p.onChange(withRelationUids(p.field, p.value, next.split(/[\s,]+/).filter(Boolean)));
  };
  const common = {
    id: p.id,
    name: p.name,
    disabled: p.disabled,
    spellCheck: false,
    "aria-describedby": p.describedBy,
    "aria-invalid": p.invalid ? true : undefined,
    value: text,
  };
  return p.field.multiple ? (
    <textarea
      {...common}
      className="plain-text"
      rows={3}
      onChange={(e) => update(e.target.value)}
    />
  ) : (
    <input type="text" {...common} onChange={(e) => update(e.target.value)} />
  );
}

/** Without scripts: the first items by title, plus whatever is chosen already. */
function RelationChoices(p: WidgetProps) {
  const env = useEditorEnv();
  const chosen = relationUids(p.value);
  const offered = env.relations[p.path] ?? [];
  const extra = chosen
    .filter((uid) => !offered.some((o) => o.value === uid))
    .map((uid) => ({ value: uid, label: env.titles[uid] ?? uid }));
  const options = [...extra, ...offered];
  if (options.length === 0) return <p className="muted small">Nothing to choose from yet.</p>;
  if (p.field.multiple) {
    return (
      <>
        <p className="field-hint">
          The first {offered.length} by title; with JavaScript on, a search finds any of them.
        </p>
        <div className="check-grid">
          {options.map((o) => (
            <label key={o.value} className="check-option">
              <input
                type="checkbox"
                name={p.name}
                value={o.value}
                disabled={p.disabled}
                checked={chosen.includes(o.value)}
                onChange={(e) =>
                  p.onChange(
                    withRelationUids(
                      p.field,
                      p.value,
                      e.target.checked ? [...chosen, o.value] : chosen.filter((u) => u !== o.value),
                    ),
                  )
                }
              />
              {o.label}
            </label>
          ))}
        </div>
      </>
    );
  }
  return (
    <select
      name={p.name}
      disabled={p.disabled}
      aria-labelledby={p.labelId}
      aria-describedby={p.describedBy}
      aria-invalid={p.invalid ? true : undefined}
      value={chosen[0] ?? ""}
      onChange={(e) =>
        p.onChange(withRelationUids(p.field, p.value, e.target.value ? [e.target.value] : []))
      }
    >
      <option value="">(none)</option>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

/** With scripts: the chosen items (each removable) and a search to add or replace. */
function RelationPicker(p: WidgetProps) {
  const env = useEditorEnv();
  const chosen = relationUids(p.value);
  const [names, setNames] = useState<Record<string, string>>({});
  const title = (uid: string) => names[uid] ?? env.titles[uid] ?? uid;
  const set = (uids: string[]) => p.onChange(withRelationUids(p.field, p.value, uids));
  const filter = p.field.filter;
  return (
    <div className="relation-picker">
      {chosen.length > 0 ? (
        <ul className="chosen-list" aria-label={`Chosen: ${p.field.label}`}>
          {chosen.map((uid) => (
            <li key={uid} className="chosen-item">
              <span>{title(uid)}</span>
              {p.disabled ? null : (
                <button
                  type="button"
                  className="button small"
                  onClick={() => set(chosen.filter((u) => u !== uid))}
                >
                  Remove<span className="visually-hidden"> {title(uid)}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">Nothing chosen.</p>
      )}
      {p.disabled ? null : (
        <SearchCombobox
          label={
            p.field.multiple
              ? `Add to ${p.field.label}`
              : chosen.length > 0
                ? `Replace ${p.field.label}`
                : `Find ${p.field.label}`
          }
          collection={p.field.collection}
          resourcetype={filter?.field === "resourcetype" ? String(filter.value) : undefined}
          exclude={[...chosen, ...(env.selfUid ? [env.selfUid] : [])]}
          describedBy={p.describedBy}
          invalid={p.invalid}
          onPick={(hit) => {
            setNames((n) => ({ ...n, [hit.uid]: hit.title }));
            set(p.field.multiple ? [...chosen, hit.uid] : [hit.uid]);
          }}
        />
      )}
    </div>
  );
}

export function RelationInput(p: WidgetProps) {
  const env = useEditorEnv();
  if (isCrossSite(p.field)) return <CrossSiteInput {...p} />;
  return env.hydrated ? <RelationPicker {...p} /> : <RelationChoices {...p} />;
}
