// "Someone changed this since you opened it": the stored values next to this person's, one
// row per difference, each with a choice; saving applies the choices over the newest version.
// This person's whole submission travels in the form, so nothing typed is lost.
import { useEffect, useRef } from "react";
import { Form } from "react-router";
import type { ConflictRow } from "../../lib/content-conflict.server.ts";
import type { EditorValues } from "../../lib/content-values.ts";
import { formatDateTime } from "../../lib/format.ts";
import { LineDiff } from "./line-diff.tsx";

export type Conflict = {
  version: number;
  rows: ConflictRow[];
  mine: EditorValues;
  savedBy: string;
  savedAt: string;
};

function Value({ text }: { text: string }) {
  return <div className="conflict-value">{text}</div>;
}

export function ConflictPanel({ conflict }: { conflict: Conflict }) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <section className="conflict-panel" aria-labelledby="conflict-title" tabIndex={-1} ref={ref}>
      <h2 id="conflict-title">Someone changed this item since you opened it</h2>
      <p>
        {conflict.savedBy} saved version {conflict.version} at {formatDateTime(conflict.savedAt)}.
        Your changes are not lost: for each difference below, keep yours or take theirs, then save
        again.
      </p>
      <Form method="post">
        <input type="hidden" name="intent" value="resolve" />
        <input type="hidden" name="version" value={conflict.version} />
        <input type="hidden" name="payload" value={JSON.stringify(conflict.mine)} />
        {conflict.rows.length === 0 ? (
          <p className="muted">Their changes and yours do not overlap.</p>
        ) : (
          <table className="data-table conflict-table">
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Yours</th>
                <th scope="col">Theirs (saved)</th>
                <th scope="col">Keep</th>
              </tr>
            </thead>
            <tbody>
              {conflict.rows.map((row) => (
                <tr key={row.key}>
                  <th scope="row" data-label="Field">
                    {row.label}
                  </th>
                  {row.lines ? (
                    <td colSpan={2} data-label="Yours vs theirs">
                      <LineDiff
                        changes={row.lines}
                        removed="Only in theirs"
                        added="Only in yours"
                      />
                    </td>
                  ) : (
                    <>
                      <td data-label="Yours">
                        <Value text={row.mine} />
                      </td>
                      <td data-label="Theirs (saved)">
                        <Value text={row.theirs} />
                      </td>
                    </>
                  )}
                  <td data-label="Keep">
                    <fieldset className="pick">
                      <legend className="visually-hidden">Which {row.label} to keep</legend>
                      <label>
                        <input
                          type="radio"
                          name={`pick.${row.key}`}
                          value="mine"
                          defaultChecked={row.pick === "mine"}
                        />
                        Yours
                      </label>
                      <label>
                        <input
                          type="radio"
                          name={`pick.${row.key}`}
                          value="theirs"
                          defaultChecked={row.pick === "theirs"}
                        />
                        Theirs
                      </label>
                    </fieldset>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div className="editor-actions">
          <button type="submit" className="button primary">
            Save with these choices
          </button>
          {conflict.rows.length > 0 ? (
            <>
              <button type="submit" name="all" value="mine" className="button">
                Keep all mine
              </button>
              <button type="submit" name="all" value="theirs" className="button">
                Take all theirs
              </button>
            </>
          ) : null}
        </div>
      </Form>
    </section>
  );
}
