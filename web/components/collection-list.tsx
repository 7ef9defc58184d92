/** The collections a starter declares, as a plain list (the item editor comes later). */
export function CollectionList({
  collections,
}: {
  collections: ReadonlyArray<{
    name: string;
    label: string;
    category: string | null;
    files: string[] | null;
  }>;
}) {
  if (collections.length === 0) {
    return <p className="muted">This starter declares no collections that can be shown.</p>;
  }
  return (
    <ul className="collection-list">
      {collections.map((c) => (
        <li key={c.name}>
          <span className="collection-label">{c.label}</span>
          {c.category ? <span className="tag">{c.category}</span> : null}
          <span className="muted small collection-kind">
            {c.files ? (
              <>
                {c.files.length === 1 ? "Single file: " : "Single files: "}
                {c.files.map((label, i) => (
                  <span key={label}>
                    {i > 0 ? ", " : null}
                    <span className="file-label">{label}</span>
                  </span>
                ))}
              </>
            ) : (
              "Folder of repeatable items"
            )}
          </span>
        </li>
      ))}
    </ul>
  );
}
