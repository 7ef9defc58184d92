// The menu widget: an outline of links to the site's pages and to other sites. Entries are
// renamed in place, moved with buttons (reachable by keyboard, each move announced) or by
// dragging, nested and un-nested; weights are recomputed from the order. Without scripts the
// same entries are a table of names, position numbers and parents.
import { type DragEvent, useEffect, useRef, useState } from "react";
import {
  canMove,
  dropBefore,
  type MenuMove,
  type MenuRow,
  menuRows,
  menuValue,
  moveRow,
  pageRefOf,
  removeRow,
} from "../../lib/content-menu.ts";
import { useEditorEnv } from "./editor-context.ts";
import type { WidgetProps } from "./field-list.tsx";
import { SearchCombobox } from "./search-combobox.tsx";

const moveLabels: Record<MenuMove, string> = {
  up: "Move up",
  down: "Move down",
  indent: "Nest under the entry above",
  outdent: "Move out of its parent",
};
const moveText: Record<MenuMove, string> = {
  up: "Up",
  down: "Down",
  indent: "Nest",
  outdent: "Un-nest",
};

function where(rows: readonly MenuRow[], i: number): string {
  const row = rows[i];
  if (!row) return "";
  let parent = -1;
  for (let j = i - 1; j >= 0 && parent < 0; j--) if ((rows[j]?.depth ?? 0) < row.depth) parent = j;
  const siblings = rows.filter((r, k) => {
    if (r.depth !== row.depth) return false;
    let p = -1;
    for (let j = k - 1; j >= 0 && p < 0; j--) if ((rows[j]?.depth ?? 0) < r.depth) p = j;
    return p === parent;
  });
  const position = siblings.indexOf(row) + 1;
  const under = parent >= 0 ? `under ${rows[parent]?.name}` : "at the top level";
  return `${position} of ${siblings.length} ${under}`;
}

function targetOf(row: MenuRow): string {
  return row.url ?? row.pageRef ?? "";
}

function MenuEditor(p: WidgetProps) {
  const env = useEditorEnv();
  const rows = menuRows(p.value);
  const [announcement, setAnnouncement] = useState("");
  const [dragging, setDragging] = useState<number | null>(null);
  const [linkName, setLinkName] = useState("");
  const [linkUrl, setLinkUrl] = useState("");
  const focusNext = useRef<{ identifier: string; control: string } | null>(null);
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    const next = focusNext.current;
    if (!next || !listRef.current) return;
    focusNext.current = null;
    const row = listRef.current.querySelector<HTMLElement>(
      `[data-entry="${CSS.escape(next.identifier)}"]`,
    );
    const control = row?.querySelector<HTMLElement>(
      `[data-control="${next.control}"]:not(:disabled)`,
    );
    (control ?? row?.querySelector<HTMLElement>("input"))?.focus();
  });

  const commit = (
    next: MenuRow[],
    message: string,
    focus?: { identifier: string; control: string },
  ) => {
    p.onChange(menuValue(next));
    setAnnouncement(message);
    focusNext.current = focus ?? null;
  };

  const move = (i: number, how: MenuMove) => {
    const row = rows[i];
    if (!row) return;
    const next = moveRow(rows, i, how);
    const at = next.findIndex((r) => r.identifier === row.identifier);
    commit(next, `${row.name}: ${where(next, at)}.`, { identifier: row.identifier, control: how });
  };

  const onDrop = (to: number) => (event: DragEvent) => {
    event.preventDefault();
    if (dragging === null) return;
    const row = rows[dragging];
    setDragging(null);
    if (!row) return;
    const next = dropBefore(rows, dragging, to);
    const at = next.findIndex((r) => r.identifier === row.identifier);
    commit(next, `${row.name}: ${where(next, at)}.`);
  };

  const folders = Object.keys(env.folders);
  const present = rows.map((r) => r.identifier);
  const addLink = () => {
    if (!linkName.trim() || !linkUrl.trim()) {
      setAnnouncement("Give the link a name and a web address first.");
      return;
    }
    const identifier = `external-${crypto.randomUUID()}`;
    commit(
      [...rows, { identifier, name: linkName.trim(), url: linkUrl.trim(), depth: 0 }],
      `${linkName.trim()} added at the end of the menu.`,
    );
    setLinkName("");
    setLinkUrl("");
  };

  return (
    <div className="menu-editor">
      {rows.length === 0 ? <p className="muted">The menu is empty.</p> : null}
      <ol className="menu-tree" ref={listRef} aria-describedby={p.describedBy}>
        {rows.map((row, i) => (
          <li
            key={row.identifier}
            data-entry={row.identifier}
            className={dragging === i ? "menu-entry dragging" : "menu-entry"}
            style={{ "--depth": row.depth } as React.CSSProperties}
            onDragOver={(e) => e.preventDefault()}
            onDrop={onDrop(i)}
          >
            <span
              className="drag-handle"
              draggable={!p.disabled}
              onDragStart={(e) => {
                e.dataTransfer.setData("text/plain", row.identifier);
                e.dataTransfer.effectAllowed = "move";
                setDragging(i);
              }}
              onDragEnd={() => setDragging(null)}
              title="Drag to move (or use the buttons)"
              aria-hidden="true"
            >
              ⠿
            </span>
            <div className="menu-entry-main">
              <label className="visually-hidden" htmlFor={`${p.id}-${i}-name`}>
                Name of menu entry {i + 1}
              </label>
              <input
                id={`${p.id}-${i}-name`}
                type="text"
                value={row.name}
                disabled={p.disabled}
                aria-invalid={row.name.trim() === "" ? true : undefined}
                onChange={(e) =>
                  p.onChange(
                    menuValue(rows.map((r, k) => (k === i ? { ...r, name: e.target.value } : r))),
                  )
                }
              />
              <span className="menu-target small muted">
                {row.url ? "Link: " : "Page: "}
                <code className="menu-target-path">{targetOf(row)}</code>
              </span>
            </div>
            {p.disabled ? null : (
              <div className="menu-entry-actions">
                {(Object.keys(moveLabels) as MenuMove[]).map((how) => (
                  <button
                    key={how}
                    type="button"
                    className="button small"
                    data-control={how}
                    disabled={!canMove(rows, i, how)}
                    aria-label={`${moveLabels[how]}: ${row.name}`}
                    title={moveLabels[how]}
                    onClick={() => move(i, how)}
                  >
                    {moveText[how]}
                  </button>
                ))}
                <button
                  type="button"
                  className="button small subtle-danger"
                  aria-label={`Remove ${row.name} from the menu`}
                  onClick={() => commit(removeRow(rows, i), `${row.name} removed from the menu.`)}
                >
                  Remove
                </button>
              </div>
            )}
          </li>
        ))}
        {dragging !== null ? (
          <li
            className="menu-drop-end"
            onDragOver={(e) => e.preventDefault()}
            onDrop={onDrop(rows.length)}
          >
            Drop here to move to the end
          </li>
        ) : null}
      </ol>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
      {p.disabled ? null : (
        <div className="menu-add">
          <SearchCombobox
            label="Add a page of this site"
            collections={folders}
            exclude={present}
            onPick={(hit) => {
              const folder = env.folders[hit.collection] ?? "";
              commit(
                [
                  ...rows,
                  {
                    identifier: hit.uid,
                    name: hit.title,
                    pageRef: pageRefOf(folder, hit.filename),
                    depth: 0,
                  },
                ],
                `${hit.title} added at the end of the menu.`,
              );
            }}
          />
          <fieldset className="menu-add-link">
            <legend>Add a link to another site</legend>
            <label>
              <span>Name</span>
              <input type="text" value={linkName} onChange={(e) => setLinkName(e.target.value)} />
            </label>
            <label>
              <span>Web address</span>
              <input
                type="url"
                value={linkUrl}
                placeholder="https://"
                onChange={(e) => setLinkUrl(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === "Enter") {
                    e.preventDefault();
                    addLink();
                  }
                }}
              />
            </label>
            <button type="button" className="button small" onClick={addLink}>
              Add link
            </button>
          </fieldset>
        </div>
      )}
    </div>
  );
}

/** Without scripts: names, position numbers and parents in a table; one row adds each kind. */
function MenuTable(p: WidgetProps) {
  const env = useEditorEnv();
  const rows = menuRows(p.value);
  const entries = menuValue(rows);
  const present = new Set(rows.map((r) => r.identifier));
  return (
    <>
      <p className="field-hint">
        Lower position numbers come first. Turn on JavaScript to move entries with buttons or by
        dragging.
      </p>
      <table className="data-table menu-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Position</th>
            <th scope="col">Under</th>
            <th scope="col">Remove</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e, i) => {
            const key = `${p.name}.${e.identifier}`;
            return (
              <tr key={e.identifier}>
                <td data-label="Name">
                  <input type="hidden" name={`${p.name}.identifier`} value={e.identifier} />
                  <input
                    type="text"
                    name={`${key}.name`}
                    defaultValue={e.name}
                    aria-label={`Name of menu entry ${i + 1}`}
                  />
                  <span className="menu-target small muted">
                    <code className="menu-target-path">{e.url ?? e.pageRef}</code>
                  </span>
                </td>
                <td data-label="Position">
                  <input
                    type="number"
                    name={`${key}.position`}
                    defaultValue={(i + 1) * 10}
                    className="position-input"
                    aria-label={`Position of ${e.name}`}
                  />
                </td>
                <td data-label="Under">
                  <select
                    name={`${key}.parent`}
                    defaultValue={e.parent ?? ""}
                    aria-label={`Parent of ${e.name}`}
                  >
                    <option value="">(top level)</option>
                    {entries
                      .filter((o) => o.identifier !== e.identifier)
                      .map((o) => (
                        <option key={o.identifier} value={o.identifier}>
                          {o.name}
                        </option>
                      ))}
                  </select>
                </td>
                <td data-label="Remove">
                  <input
                    type="checkbox"
                    name={`${key}.remove`}
                    value="true"
                    aria-label={`Remove ${e.name}`}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="menu-add">
        <label>
          <span>Add a page of this site</span>
          <select name={`${p.name}.new.page`} defaultValue="">
            <option value="">(none)</option>
            {env.pages
              .filter((page) => !present.has(page.uid))
              .map((page) => (
                <option
                  key={page.uid}
                  value={JSON.stringify({
                    identifier: page.uid,
                    name: page.title,
                    pageRef: pageRefOf(env.folders[page.collection] ?? "", page.filename),
                  })}
                >
                  {page.title}
                </option>
              ))}
          </select>
        </label>
        <fieldset className="menu-add-link">
          <legend>Add a link to another site</legend>
          <label>
            <span>Name</span>
            <input type="text" name={`${p.name}.new.name`} />
          </label>
          <label>
            <span>Web address</span>
            <input type="url" name={`${p.name}.new.url`} placeholder="https://" />
          </label>
        </fieldset>
      </div>
    </>
  );
}

export function MenuInput(p: WidgetProps) {
  return useEditorEnv().hydrated ? <MenuEditor {...p} /> : <MenuTable {...p} />;
}
