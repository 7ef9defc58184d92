// Front-matter keys an import carried that the starter does not declare (OCW's legacy fields):
// kept and exported as they are, shown here for reference, never edited.
export function ExtraFields({ extra }: { extra: Record<string, unknown> }) {
  const entries = Object.entries(extra);
  if (entries.length === 0) return null;
  return (
    <details className="panel extra-fields">
      <summary>
        Imported fields this site's starter does not declare{" "}
        <span className="count">{entries.length}</span>
      </summary>
      <p className="muted small">Kept as imported and exported with the item; not editable here.</p>
      <dl className="facts">
        {entries.map(([key, value]) => (
          <div key={key}>
            <dt>
              <code>{key}</code>
            </dt>
            <dd>
              <pre className="extra-value">
                {typeof value === "string" ? value : JSON.stringify(value, null, 2)}
              </pre>
            </dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
