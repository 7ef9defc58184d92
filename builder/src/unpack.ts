// Unpacking a site's export (the tar.gz from GET /api/v1/tenants/{t}/sites/{s}/export) into the
// build's temporary directory.
//
// Decisions:
// - The Worker's archive reader does the parsing (its modules, not its index, which also
//   brings in R2 range reads that mean nothing here), so the export is read by the same code (and
//   the same path rules and limits) that wrote and checked it. It refuses links, devices,
//   unsafe and colliding names; here the resolved path is checked again against `dir`, because
//   a mistake in one place must not let a name write outside the build.
// - Every entry is streamed to its file: nothing holds a whole archive or a whole file.
// - Files are created with O_EXCL ("wx"): an entry never follows or replaces something already
//   on disk. `dir` is meant to be a fresh, empty temporary directory.
// - gzip is undone by Node's zlib, and readTar gets plain tar: the reader's own inflater asks
//   DecompressionStream for a BYOB reader, which workerd gives and Node 20 refuses ("must be a
//   byte stream"). The ratio limit is applied here instead, over the whole stream, with the
//   reader's rule (`checkRatio`).
// - The gzip checksum is checked when the stream ends, after files were written, but before
//   this returns: readTar reads on past the end-of-archive marker. When this throws, `dir` may
//   hold part of the archive, and the caller throws the directory away.
import { mkdir, open } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { pipeline, Readable, Transform } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { createGunzip } from "node:zlib";
import {
  ArchiveError,
  type ArchiveLimits,
  checkRatio,
  DEFAULT_IMPORT_LIMITS,
} from "#workers/domain/archive/limits";
import { readTar } from "#workers/domain/archive/tar-read";

export type UnpackResult = { files: number; bytes: number };

export async function unpackTarGz(
  stream: ReadableStream<Uint8Array>,
  dir: string,
  limits: ArchiveLimits = DEFAULT_IMPORT_LIMITS,
): Promise<UnpackResult> {
  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  let files = 0;
  let bytes = 0;
  try {
    for await (const entry of readTar(gunzip(stream, limits), { gzip: false, limits })) {
      const target = insideRoot(root, entry.path);
      await mkdir(dirname(target), { recursive: true });
      bytes += await writeStream(target, entry.stream());
      files += 1;
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("Z_")) {
      throw new ArchiveError(
        "corrupt",
        `the export is not valid gzip (${(error as Error).message})`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
  return { files, bytes };
}

function gunzip(
  compressed: ReadableStream<Uint8Array>,
  limits: ArchiveLimits,
): ReadableStream<Uint8Array> {
  let bytesIn = 0;
  let bytesOut = 0;
  const countIn = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytesIn += chunk.length;
      done(null, chunk);
    },
  });
  const countOut = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytesOut += chunk.length;
      try {
        checkRatio(limits, bytesOut, bytesIn, "the gzip stream");
        done(null, chunk);
      } catch (error) {
        done(error as Error);
      }
    },
  });
  // Errors reach the reader through `countOut`, which pipeline destroys with the first one.
  const out = pipeline(
    Readable.fromWeb(compressed as NodeReadableStream<Uint8Array>),
    countIn,
    createGunzip(),
    countOut,
    () => {},
  );
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}

/** `path` under `root`, or an error when it would land anywhere else. */
export function insideRoot(root: string, path: string): string {
  const target = resolve(root, path);
  const rel = relative(root, target);
  if (rel === "" || rel === ".." || rel.startsWith("../") || isAbsolute(rel)) {
    throw new Error(`archive entry ${JSON.stringify(path)} resolves outside ${root}`);
  }
  return target;
}

async function writeStream(target: string, body: ReadableStream<Uint8Array>): Promise<number> {
  const file = await open(target, "wx", 0o644);
  const reader = body.getReader();
  let written = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (let at = 0; at < value.length; ) {
        at += (await file.write(value, at)).bytesWritten;
      }
      written += value.length;
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  } finally {
    await file.close();
  }
  return written;
}
