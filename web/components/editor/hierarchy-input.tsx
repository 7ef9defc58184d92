// A hierarchical select (topic → subtopic → speciality): rows of paths through `options_map`.
// With scripts each row is a cascade of selects, one per level; without, each row is one
// select of every valid path, plus an empty row to add one.
import { hierarchyChoices, hierarchyPaths, hierarchyRows } from "../../lib/content-values.ts";
import { useEditorEnv } from "./editor-context.ts";
import type { WidgetProps } from "./field-list.tsx";

const levelsOf = (p: WidgetProps) => p.field.levels ?? [{ label: p.field.label, name: "value" }];

function PathChoices(p: WidgetProps) {
  const rows = hierarchyRows(p.value);
  const paths = hierarchyPaths(p.field.options_map, levelsOf(p).length);
  const options = paths.map((path) => ({ value: JSON.stringify(path), label: path.join(" / ") }));
  const select = (row: string[] | null, i: number) => (
    <select
      key={row ? JSON.stringify(row) : "new"}
      name={p.name}
      disabled={p.disabled}
      aria-label={row ? `${p.field.label} ${i + 1}` : `Add to ${p.field.label}`}
      defaultValue={row ? JSON.stringify(row) : ""}
    >
      <option value="">{row ? "(remove)" : "(add one)"}</option>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
  return (
    <div className="hierarchy-rows">
      {rows.map((row, i) => select(row, i))}
      {select(null, rows.length)}
    </div>
  );
}

function Cascades(p: WidgetProps) {
  const levels = levelsOf(p);
  const rows = hierarchyRows(p.value);
  const set = (next: string[][]) => p.onChange(next);
  const first = levels[0]?.label ?? p.field.label;
  return (
    <div className="hierarchy-rows">
      {rows.length === 0 ? <p className="muted small">None chosen.</p> : null}
      {rows.map((row, r) => {
        const rowLabel = row.length > 0 ? row.join(" / ") : `row ${r + 1}`;
        return (
          // Rows have no identity of their own but their position.
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place by position
          <div className="hierarchy-row" key={r}>
            {levels.map((level, i) => {
              const choices = hierarchyChoices(p.field.options_map, row.slice(0, i));
              if (i > 0 && (row[i - 1] === undefined || choices.length === 0)) return null;
              return (
                <label key={level.name} className="hierarchy-level">
                  <span className="small muted">{level.label}</span>
                  <select
                    disabled={p.disabled}
                    value={row[i] ?? ""}
                    aria-describedby={p.describedBy}
                    onChange={(e) => {
                      const path = [
                        ...row.slice(0, i),
                        ...(e.target.value ? [e.target.value] : []),
                      ];
                      set(rows.map((old, k) => (k === r ? path : old)));
                    }}
                  >
                    <option value="">{i === 0 ? "Choose…" : "(any)"}</option>
                    {choices.map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                  </select>
                </label>
              );
            })}
            {p.disabled ? null : (
              <button
                type="button"
                className="button small"
                onClick={() => set(rows.filter((_, k) => k !== r))}
              >
                Remove<span className="visually-hidden"> {rowLabel}</span>
              </button>
            )}
          </div>
        );
      })}
      {p.disabled ? null : (
        <button type="button" className="button small" onClick={() => set([...rows, []])}>
          Add a {first.toLowerCase()}
        </button>
      )}
    </div>
  );
}

export function HierarchyInput(p: WidgetProps) {
  return useEditorEnv().hydrated ? <Cascades {...p} /> : <PathChoices {...p} />;
}
