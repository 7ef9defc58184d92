// Import a Google Drive folder into a site's media library, the way OCW syncs a course's Drive
// folder (ADR 014): the folder's files (and those of its subfolders, e.g. `videos_final/`,
// `files/`, up to MAX_DEPTH deep) are listed through the Drive v3 API and streamed one by one
// into the library's import (workers/media/library.ts, importMediaFiles) with their relative
// paths, so a video under `videos_final/` and its `.vtt` are treated exactly as in a zip.
// Google-native documents (Docs, Sheets: no bytes) and files that fail to download are
// reported as failed lines; the others go on.
import type { MediaImportReport } from "#schemas/media";
import { importMediaFiles, type MediaImportSource, type MediaScope } from "#workers/media/library";
import { ProviderError } from "./errors.ts";
import { downloadFile, type GDriveConfig, listFolder } from "./gdrive.ts";

const FOLDER = "application/vnd.google-apps.folder";
export const MAX_DEPTH = 3;
export const MAX_FILES = 2000;

/** The folder's files as import sources, subfolders first-level paths included. */
async function* driveSources(
  cfg: GDriveConfig,
  folderId: string,
  prefix = "",
  depth = 0,
  count = { n: 0 },
): AsyncGenerator<MediaImportSource> {
  const subfolders: { id: string; name: string }[] = [];
  for await (const f of listFolder(cfg, folderId)) {
    const name = f.name.replaceAll("/", "_");
    const path = `${prefix}${name}`;
    if (f.mimeType === FOLDER) {
      subfolders.push({ id: f.id, name });
      continue;
    }
    count.n += 1;
    if (count.n > MAX_FILES) {
      yield {
        path,
        size: 0,
        stream: emptyStream,
        error: `more than ${MAX_FILES} files; not imported`,
      };
      return;
    }
    if (!f.downloadable) {
      yield {
        path,
        size: 0,
        stream: emptyStream,
        error: `${name} is a Google Docs, Sheets or Slides file; export it (e.g. as PDF) into the folder`,
      };
      continue;
    }
    try {
      // Downloaded only when the import reaches it: one file's stream open at a time.
      const got = await downloadFile(cfg, f.id);
      yield {
        path,
        size: got.size ?? f.size ?? 0,
        type: f.mimeType,
        stream: () => got.body,
      };
    } catch (err) {
      if (err instanceof ProviderError && !err.retryable && err.kind !== "auth") {
        yield {
          path,
          size: 0,
          stream: emptyStream,
          error: `${name} could not be downloaded (${err.message})`,
        };
        continue;
      }
      throw err;
    }
  }
  if (depth + 1 >= MAX_DEPTH) {
    for (const sub of subfolders) {
      yield {
        path: `${prefix}${sub.name}/`,
        size: 0,
        stream: emptyStream,
        error: "folder too deep; not imported",
      };
    }
    return;
  }
  for (const sub of subfolders) {
    yield* driveSources(cfg, sub.id, `${prefix}${sub.name}/`, depth + 1, count);
  }
}

function emptyStream(): ReadableStream<Uint8Array> {
  return new Blob([]).stream();
}

/** Imports the folder's files; throws ProviderError when the folder cannot be listed at all. */
export async function importDriveFolder(
  scope: MediaScope,
  cfg: GDriveConfig,
  folderId: string,
): Promise<MediaImportReport> {
  return importMediaFiles(scope, driveSources(cfg, folderId));
}
