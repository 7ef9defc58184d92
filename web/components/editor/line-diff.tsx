// A line diff of markdown, as the API's diff and the conflict view compute it: removed lines
// struck through in red, added lines in green, unchanged runs folded to their first and last
// lines. Each line also says in words whether it was added or removed.
import type { LineChange } from "#workers/domain/content";

const CONTEXT = 2;

type Line = { op: LineChange["op"]; text: string } | { op: "skip"; count: number };

function linesOf(changes: readonly LineChange[]): Line[] {
  const out: Line[] = [];
  changes.forEach((change, i) => {
    const lines = change.text.split("\n");
    if (change.op !== "equal") {
      for (const text of lines) out.push({ op: change.op, text });
      return;
    }
    const keepHead = i > 0 ? CONTEXT : 0;
    const keepTail = i < changes.length - 1 ? CONTEXT : 0;
    if (lines.length <= keepHead + keepTail + 1) {
      for (const text of lines) out.push({ op: "equal", text });
      return;
    }
    for (const text of lines.slice(0, keepHead)) out.push({ op: "equal", text });
    out.push({ op: "skip", count: lines.length - keepHead - keepTail });
    for (const text of lines.slice(lines.length - keepTail)) out.push({ op: "equal", text });
  });
  return out;
}

export function LineDiff({
  changes,
  removed = "Removed",
  added = "Added",
}: {
  changes: readonly LineChange[];
  removed?: string;
  added?: string;
}) {
  if (changes.every((c) => c.op === "equal")) return <p className="muted">No changes.</p>;
  return (
    <div className="line-diff">
      {linesOf(changes).map((line, i) => {
        // Lines have no identity but their place in the diff.
        const key = `${i}`;
        if (line.op === "skip") {
          return (
            <div key={key} className="diff-skip">
              … {line.count} unchanged {line.count === 1 ? "line" : "lines"} …
            </div>
          );
        }
        if (line.op === "equal") {
          return (
            <div key={key} className="diff-line">
              {line.text || " "}
            </div>
          );
        }
        const Tag = line.op === "insert" ? "ins" : "del";
        return (
          <Tag key={key} className={`diff-line diff-${line.op}`}>
            <span className="visually-hidden">{line.op === "insert" ? added : removed}: </span>
            <span aria-hidden="true" className="diff-marker">
              {line.op === "insert" ? "+" : "−"}
            </span>
            {line.text || " "}
          </Tag>
        );
      })}
    </div>
  );
}
