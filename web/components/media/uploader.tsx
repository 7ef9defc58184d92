// The media uploader: drop or pick many files; each goes up in the parts the API asks for, one
// XMLHttpRequest per part (for its progress), with a bar per file. A dropped connection pauses
// the file; Resume (or picking the same file again, even after a reload: the upload id is kept
// in localStorage) asks the API which parts arrived and sends the rest. Cancel aborts it.
import { useCallback, useEffect, useRef, useState } from "react";

type Part = { partNumber: number; size: number; etag: string };
type UploadInfo = {
  item: { id: string; filename: string };
  partSize: number;
  partCount: number;
  parts: Part[];
};
type Problem = { detail?: string; title?: string; errors?: { field: string; message: string }[] };

export type UploadState =
  | "waiting"
  | "uploading"
  | "paused"
  | "finishing"
  | "done"
  | "duplicate"
  | "failed"
  | "cancelled";

type Row = {
  key: string;
  file: File;
  state: UploadState;
  sent: number;
  message: string;
  mediaId: string | null;
};

const CSRF = { "x-lectern-csrf": "1" };
/** Automatic retries of one part after a network error, before the file pauses. */
const PART_RETRIES = 3;

const storageKey = (siteId: string, f: File) =>
  `lectern-upload:${siteId}:${f.name}:${f.size}:${f.lastModified}`;

async function problemOf(res: Response): Promise<string> {
  try {
    const p = (await res.json()) as Problem;
    return p.detail ?? p.errors?.[0]?.message ?? p.title ?? `HTTP ${res.status}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

class Paused extends Error {}

function sendPart(
  url: string,
  body: Blob,
  onProgress: (loaded: number) => void,
  register: (xhr: XMLHttpRequest) => void,
): Promise<Part> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    register(xhr);
    xhr.open("PUT", url);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.setRequestHeader("x-lectern-csrf", "1");
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      if (xhr.status === 200) resolve(JSON.parse(xhr.responseText) as Part);
      else {
        let message = `HTTP ${xhr.status}`;
        try {
          const p = JSON.parse(xhr.responseText) as Problem;
          message = p.detail ?? message;
        } catch {
          // not JSON
        }
        reject(new Error(message));
      }
    };
    xhr.onerror = () => reject(new Paused("The connection dropped"));
    xhr.onabort = () => reject(new Paused("Stopped"));
    xhr.send(body);
  });
}

export function MediaUploader({
  tenantId,
  siteId,
  onFinished,
  resourceUid,
}: {
  tenantId: string;
  siteId: string;
  onFinished: () => void;
  /** Upload one file for this existing resource (its file field) instead of new resources. */
  resourceUid?: string;
}) {
  const api = `/api/v1/tenants/${tenantId}/sites/${siteId}/media`;
  const [rows, setRows] = useState<Row[]>([]);
  const [dragging, setDragging] = useState(false);
  const xhrs = useRef(new Map<string, XMLHttpRequest>());
  const cancelled = useRef(new Set<string>());

  const update = useCallback((key: string, patch: Partial<Row>) => {
    setRows((all) => all.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  }, []);

  const run = useCallback(
    async (row: Row) => {
      const { file, key } = row;
      const saved = storageKey(siteId, file);
      cancelled.current.delete(key);
      try {
        let info: UploadInfo | null = null;
        const known = localStorage.getItem(saved);
        if (known) {
          const res = await fetch(`${api}/uploads/${known}`, { credentials: "same-origin" });
          const body = res.ok
            ? ((await res.json()) as UploadInfo & { item: { status: string } })
            : null;
          if (body && body.item.status === "uploading") info = body;
          else localStorage.removeItem(saved);
        }
        if (!info) {
          const res = await fetch(`${api}/uploads`, {
            method: "POST",
            credentials: "same-origin",
            headers: { "content-type": "application/json", ...CSRF },
            body: JSON.stringify({
              filename: file.name,
              type: file.type,
              size: file.size,
              ...(resourceUid ? { resourceUid } : {}),
            }),
          });
          if (!res.ok) throw new Error(await problemOf(res));
          const body = (await res.json()) as {
            upload: UploadInfo | null;
            duplicateOf: { filename: string } | null;
          };
          if (!body.upload) {
            update(key, {
              state: "duplicate",
              sent: file.size,
              message: `Already in the library as ${body.duplicateOf?.filename}`,
            });
            return;
          }
          info = body.upload;
          localStorage.setItem(saved, info.item.id);
        }
        const mediaId = info.item.id;
        update(key, { mediaId, state: "uploading", message: "" });
        const have = new Set(info.parts.map((p) => p.partNumber));
        let done = info.parts.reduce((sum, p) => sum + p.size, 0);
        update(key, { sent: done });
        for (let n = 1; n <= info.partCount; n++) {
          if (have.has(n)) continue;
          const blob = file.slice((n - 1) * info.partSize, n * info.partSize);
          for (let attempt = 0; ; attempt++) {
            if (cancelled.current.has(key)) throw new Paused("Cancelled");
            try {
              await sendPart(
                `${api}/uploads/${mediaId}/parts/${n}`,
                blob,
                (loaded) => update(key, { sent: done + loaded }),
                (xhr) => xhrs.current.set(key, xhr),
              );
              break;
            } catch (e) {
              if (!(e instanceof Paused) || cancelled.current.has(key) || attempt >= PART_RETRIES) {
                throw e;
              }
              await new Promise((r) => setTimeout(r, 1000 * 2 ** attempt));
            }
          }
          done += blob.size;
          update(key, { sent: done });
        }
        update(key, { state: "finishing", message: "Checking the file…" });
        const res = await fetch(`${api}/uploads/${mediaId}/complete`, {
          method: "POST",
          credentials: "same-origin",
          headers: CSRF,
        });
        if (!res.ok) {
          // The file was refused (kept in the list as failed, with the reason).
          localStorage.removeItem(saved);
          throw new Error(await problemOf(res));
        }
        const body = (await res.json()) as { duplicate: boolean; item: { filename: string } };
        localStorage.removeItem(saved);
        update(key, {
          state: body.duplicate ? "duplicate" : "done",
          message: body.duplicate ? `Already in the library as ${body.item.filename}` : "Uploaded",
        });
      } catch (e) {
        if (cancelled.current.has(key)) return;
        if (e instanceof Paused) {
          update(key, {
            state: "paused",
            message: `${e.message}. Resume sends the missing parts.`,
          });
        } else {
          update(key, { state: "failed", message: e instanceof Error ? e.message : String(e) });
        }
      } finally {
        xhrs.current.delete(key);
      }
    },
    [api, siteId, update, resourceUid],
  );

  const add = useCallback(
    (files: FileList | File[]) => {
      const fresh = [...files].map((file) => ({
        key: `${file.name}:${file.size}:${file.lastModified}:${Math.random()}`,
        file,
        state: "waiting" as const,
        sent: 0,
        message: "",
        mediaId: null,
      }));
      setRows((all) => [...fresh, ...all]);
      // Two files at a time: parallel enough, without starving the page.
      (async () => {
        const queue = [...fresh];
        const worker = async () => {
          for (let r = queue.shift(); r; r = queue.shift()) await run(r);
        };
        await Promise.all([worker(), worker()]);
        onFinished();
      })();
    },
    [run, onFinished],
  );

  const cancel = async (row: Row) => {
    cancelled.current.add(row.key);
    xhrs.current.get(row.key)?.abort();
    localStorage.removeItem(storageKey(siteId, row.file));
    if (row.mediaId) {
      await fetch(`${api}/uploads/${row.mediaId}`, {
        method: "DELETE",
        credentials: "same-origin",
        headers: CSRF,
      });
    }
    update(row.key, { state: "cancelled", message: "Cancelled" });
  };

  // Leaving while uploading asks first (the upload could be resumed, but a person may not know).
  useEffect(() => {
    const busy = rows.some((r) => r.state === "uploading" || r.state === "finishing");
    if (!busy) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [rows]);

  return (
    <div className="media-uploader">
      <label
        className={`drop-zone${dragging ? " dragging" : ""}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          if (e.dataTransfer.files.length > 0) add(e.dataTransfer.files);
        }}
      >
        <span>{resourceUid ? "Upload this item's file" : "Drop files here, or choose them"}</span>
        <input
          type="file"
          multiple={!resourceUid}
          data-testid="media-file-input"
          onChange={(e) => {
            if (e.currentTarget.files?.length) add(e.currentTarget.files);
            e.currentTarget.value = "";
          }}
        />
      </label>
      {rows.length > 0 ? (
        <ul className="upload-list" aria-label="Uploads">
          {rows.map((r) => (
            <li key={r.key} data-state={r.state}>
              <span className="upload-name">{r.file.name}</span>
              <progress
                max={Math.max(1, r.file.size)}
                value={r.sent}
                aria-label={`${r.file.name} upload progress`}
              />
              <span className="upload-state" role="status">
                {r.state === "uploading"
                  ? `${Math.floor((100 * r.sent) / Math.max(1, r.file.size))}%`
                  : r.message || r.state}
              </span>
              {r.state === "paused" ? (
                <button type="button" className="button small" onClick={() => run(r)}>
                  Resume
                </button>
              ) : null}
              {["waiting", "uploading", "paused"].includes(r.state) ? (
                <button type="button" className="button small" onClick={() => cancel(r)}>
                  Cancel
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
