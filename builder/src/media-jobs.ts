// The builder's media jobs (POST /media-jobs, jobs.ts): thumbnails of an image, the web MP4 and
// the poster frame of a video, with ffprobe's facts (dimensions, duration). One job is one step
// of one item's MediaPipeline (workers/objects/media-pipeline.ts); the result goes back signed
// to the job's callback URL. See docs/decisions/013-media-pipeline.md.
//
// Decisions:
// - Memory stays bounded whatever the file's size: the original is streamed from R2 MEDIA (S3
//   API) to a temporary folder, ffmpeg reads and writes files, and outputs are streamed back up.
//   The folder is removed whatever happens.
// - ffmpeg and ffprobe run through tool-process.ts (own process group, time limit, abort,
//   minimal environment, bounded log), like Hugo and Pagefind.
// - A file ffprobe cannot read, or without the stream the step needs, fails the job as
//   `permanent` with ffprobe's or ffmpeg's own words (trimmed): retrying would fail the same
//   way. Storage and network failures are not permanent; the pipeline retries them.
// - Outputs have fixed names under the item's prefix (`w640.webp`, `web.mp4`, `poster.jpg`), so
//   running a step again overwrites its own files and nothing else.
// - The web MP4 is H.264 (yuv420p, at most 1280 pixels wide, CRF 23) with AAC stereo, and its
//   index first (faststart), so browsers start playing before the download ends. No HLS: see the
//   ADR (course videos are short and a single faststart MP4 with Range requests seeks fine).
// - A "running" report is sent when a job starts, which the pipeline takes as a sign of life.
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { BuilderMediaJob, JobOutput, JobVariant, MediaJobResult } from "#schemas/media-jobs";
import { type CallbackOptions, postSigned } from "./job-callbacks.ts";
import { withRetry } from "./retry.ts";
import { putFile } from "./storage.ts";
import { runTool, type ToolResult } from "./tool-process.ts";

/** Thumbnail widths; those wider than the image are left out (but the smallest is always made). */
export const THUMBNAIL_WIDTHS = [320, 640, 1280] as const;
/** The web MP4's and the poster's largest width. */
export const WEB_VIDEO_MAX_WIDTH = 1280;

export type MediaJobDeps = {
  s3: S3Client;
  /** R2 MEDIA's bucket name through the S3 API. */
  bucket: string;
  /** Per ffmpeg/ffprobe run. */
  toolTimeoutMs?: number;
  /** Where temporary folders go; the system's by default. */
  workRoot?: string;
  log?: (line: string) => void;
};

export type MediaJobOutcome =
  | { ok: true; output: JobOutput }
  | { ok: false; error: string; permanent: boolean };

class PermanentError extends Error {}

type Probe = {
  streams: { codec_type?: string; codec_name?: string; width?: number; height?: number }[];
  format: { duration?: string; format_name?: string };
};

/** Runs one media job to its outcome. Never throws (an unexpected error is a failed outcome). */
export async function runMediaJob(
  job: BuilderMediaJob,
  deps: MediaJobDeps,
  signal?: AbortSignal,
): Promise<MediaJobOutcome> {
  const dir = await mkdtemp(join(deps.workRoot ?? tmpdir(), "lectern-media-"));
  try {
    const source = join(dir, "source");
    await download(deps, job.sourceKey, source, signal);
    const probe = await ffprobe(source, dir, deps, signal);
    const output =
      job.kind === "thumbnails"
        ? await thumbnails(job, probe, source, dir, deps, signal)
        : job.kind === "transcode"
          ? await transcode(job, probe, source, dir, deps, signal)
          : await poster(job, probe, source, dir, deps, signal);
    return { ok: true, output };
  } catch (error) {
    if (error instanceof PermanentError)
      return { ok: false, error: error.message, permanent: true };
    const message = signal?.aborted
      ? "The builder stopped the job (shutting down)"
      : (error as Error)?.message || String(error);
    return { ok: false, error: message.slice(0, 2000), permanent: false };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function download(deps: MediaJobDeps, key: string, path: string, signal?: AbortSignal) {
  await withRetry(
    async () => {
      const object = await deps.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: key }), {
        ...(signal ? { abortSignal: signal } : {}),
      });
      if (!object.Body) throw new Error(`The original (${key}) has no body`);
      await pipeline(object.Body as Readable, createWriteStream(path), {
        ...(signal ? { signal } : {}),
      });
    },
    {
      retries: 3,
      baseDelayMs: 500,
      isRetryable: (error) => {
        const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata
          ?.httpStatusCode;
        if (status === 404) return false;
        return status === undefined ? !signal?.aborted : status >= 500 || status === 429;
      },
    },
  ).catch((error) => {
    const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata
      ?.httpStatusCode;
    if (status === 404) throw new PermanentError(`The original is not in storage (${key})`);
    throw new Error(`Downloading the original failed: ${(error as Error).message}`);
  });
}

function tool(
  name: "ffmpeg" | "ffprobe",
  args: string[],
  cwd: string,
  deps: MediaJobDeps,
  signal?: AbortSignal,
): Promise<ToolResult> {
  return runTool({
    name,
    command: name,
    args,
    cwd,
    timeoutMs: deps.toolTimeoutMs ?? 30 * 60_000,
    ...(signal ? { signal } : {}),
  });
}

/** The tool's last words, for a person: a few lines, at most 500 characters. */
export function trimToolLog(log: string): string {
  const lines = log
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const tail = lines.slice(-4).join(" | ");
  return tail.length > 500 ? `…${tail.slice(-499)}` : tail;
}

function toolFailure(what: string, result: ToolResult): Error {
  if (result.aborted) return new Error(`${what}: stopped (the builder is shutting down)`);
  if (result.timedOut) return new Error(`${what}: did not finish in time`);
  if (result.code === null && !result.ok) return new Error(`${what}: ${trimToolLog(result.log)}`);
  // ffmpeg ran and refused the file: it would refuse it again.
  return new PermanentError(`${what}: ${trimToolLog(result.log) || `exit code ${result.code}`}`);
}

async function ffprobe(
  source: string,
  dir: string,
  deps: MediaJobDeps,
  signal?: AbortSignal,
): Promise<Probe> {
  const result = await tool(
    "ffprobe",
    ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", source],
    dir,
    deps,
    signal,
  );
  if (!result.ok) {
    const failure = toolFailure("ffprobe cannot read the file", result);
    throw failure;
  }
  try {
    // stdout and stderr share the log; the JSON is the part from the first "{".
    const json = result.log.slice(result.log.indexOf("{"));
    return JSON.parse(json) as Probe;
  } catch {
    throw new PermanentError("ffprobe cannot read the file: no usable answer");
  }
}

function videoStream(probe: Probe) {
  return probe.streams.find((s) => s.codec_type === "video" && s.width && s.height);
}

function duration(probe: Probe): number | null {
  const value = Number(probe.format.duration);
  return Number.isFinite(value) && value > 0 ? Math.round(value * 1000) / 1000 : null;
}

async function dimensions(
  path: string,
  dir: string,
  deps: MediaJobDeps,
  signal?: AbortSignal,
): Promise<{ width: number; height: number }> {
  const probe = await ffprobe(path, dir, deps, signal);
  const v = videoStream(probe);
  if (!v?.width || !v.height) throw new Error(`ffprobe found no picture in ${path}`);
  return { width: v.width, height: v.height };
}

async function upload(
  job: BuilderMediaJob,
  deps: MediaJobDeps,
  path: string,
  name: string,
  type: string,
): Promise<{ key: string; size: number }> {
  const key = `${job.outputPrefix}${name}`;
  const { size } = await stat(path);
  await putFile({ s3: deps.s3, bucket: deps.bucket, key, path, size, contentType: type });
  return { key, size };
}

async function thumbnails(
  job: BuilderMediaJob,
  probe: Probe,
  source: string,
  dir: string,
  deps: MediaJobDeps,
  signal?: AbortSignal,
): Promise<JobOutput> {
  const v = videoStream(probe);
  if (!v?.width || !v.height) {
    throw new PermanentError("The file has no picture ffmpeg can read (not an image?)");
  }
  const widths = THUMBNAIL_WIDTHS.filter((w, i) => i === 0 || w < (v.width as number));
  const variants: JobVariant[] = [];
  for (const width of widths) {
    const target = Math.min(width, v.width);
    const name = `w${width}.webp`;
    const out = join(dir, name);
    const result = await tool(
      "ffmpeg",
      [
        ...["-v", "error", "-nostdin", "-y", "-i", source],
        ...["-frames:v", "1", "-vf", `scale=${target}:-2`, "-c:v", "libwebp", "-quality", "80"],
        out,
      ],
      dir,
      deps,
      signal,
    );
    if (!result.ok) throw toolFailure(`ffmpeg could not make the ${width}px thumbnail`, result);
    const size = await dimensions(out, dir, deps, signal);
    variants.push({
      role: "thumbnail",
      ...(await upload(job, deps, out, name, "image/webp")),
      ...size,
      type: "image/webp",
    });
  }
  return { metadata: { width: v.width, height: v.height }, variants };
}

async function transcode(
  job: BuilderMediaJob,
  probe: Probe,
  source: string,
  dir: string,
  deps: MediaJobDeps,
  signal?: AbortSignal,
): Promise<JobOutput> {
  const v = videoStream(probe);
  if (!v) throw new PermanentError("The file has no video stream ffmpeg can read");
  const hasAudio = probe.streams.some((s) => s.codec_type === "audio");
  const out = join(dir, "web.mp4");
  const result = await tool(
    "ffmpeg",
    [
      ...["-v", "error", "-nostdin", "-y", "-i", source, "-map", "0:v:0"],
      ...(hasAudio ? ["-map", "0:a:0", "-c:a", "aac", "-b:a", "128k", "-ac", "2"] : ["-an"]),
      ...["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"],
      ...["-vf", `scale='min(${WEB_VIDEO_MAX_WIDTH},iw)':-2`, "-movflags", "+faststart"],
      ...["-sn", "-dn", "-map_metadata", "-1"],
      out,
    ],
    dir,
    deps,
    signal,
  );
  if (!result.ok) throw toolFailure("ffmpeg could not transcode the video", result);
  const size = await dimensions(out, dir, deps, signal);
  const stored = await upload(job, deps, out, "web.mp4", "video/mp4");
  const seconds = duration(probe);
  return {
    metadata: {
      width: v.width as number,
      height: v.height as number,
      ...(seconds !== null ? { duration_seconds: seconds } : {}),
      video_codec: v.codec_name ?? null,
      has_audio: hasAudio,
    },
    variants: [{ role: "web_mp4", ...stored, type: "video/mp4", ...size }],
  };
}

async function poster(
  job: BuilderMediaJob,
  probe: Probe,
  source: string,
  dir: string,
  deps: MediaJobDeps,
  signal?: AbortSignal,
): Promise<JobOutput> {
  const v = videoStream(probe);
  if (!v) throw new PermanentError("The file has no video stream ffmpeg can read");
  const seconds = duration(probe);
  // A frame a little way in (the first is often black), never past the end.
  const at = seconds === null ? 0 : Math.min(1, seconds / 10);
  const out = join(dir, "poster.jpg");
  const result = await tool(
    "ffmpeg",
    [
      ...["-v", "error", "-nostdin", "-y", "-ss", at.toFixed(3), "-i", source],
      ...["-frames:v", "1", "-vf", `scale='min(${WEB_VIDEO_MAX_WIDTH},iw)':-2`, "-q:v", "3"],
      out,
    ],
    dir,
    deps,
    signal,
  );
  if (!result.ok) throw toolFailure("ffmpeg could not take the poster frame", result);
  const size = await dimensions(out, dir, deps, signal);
  const stored = await upload(job, deps, out, "poster.jpg", "image/jpeg");
  return {
    metadata: seconds !== null ? { duration_seconds: seconds } : {},
    variants: [{ role: "poster", ...stored, type: "image/jpeg", ...size }],
  };
}

// ---- Reporting and the intake's queue ----

export type PostResult = (callbackUrl: string, result: MediaJobResult) => Promise<boolean>;

/** Posts a result signed with every secret, retried on network errors, 429 and 5xx; never throws. */
export function createResultPoster(
  secrets: readonly string[],
  options: CallbackOptions & {
    fetch?: typeof fetch;
    log?: (line: string) => void;
  } = {},
): PostResult {
  const log = options.log ?? console.log;
  return async (callbackUrl, result) => {
    try {
      await postSigned(secrets, callbackUrl, result, options);
      return true;
    } catch (error) {
      log(
        `builder: media job ${result.jobId}: "${result.state}" not delivered: ${(error as Error).message}`,
      );
      return false;
    }
  };
}

export type MediaSubmit = "accepted" | "known" | "full" | "closed";

/**
 * The media jobs waiting and running on this builder: a bounded queue, `concurrency` at once,
 * each (job, attempt) run once however often it is sent.
 */
export class MediaJobQueue {
  private waiting: BuilderMediaJob[] = [];
  private running = new Map<string, AbortController>();
  private seen = new Map<string, number>();
  private idle: (() => void)[] = [];
  closing = false;

  constructor(
    private readonly options: {
      run: (job: BuilderMediaJob, signal: AbortSignal) => Promise<MediaJobOutcome>;
      post: PostResult;
      concurrency?: number;
      queueLimit?: number;
      rememberMs?: number;
      now?: () => number;
    },
  ) {}

  get counts() {
    return { mediaQueued: this.waiting.length, mediaRunning: this.running.size };
  }

  submit(job: BuilderMediaJob): MediaSubmit {
    if (this.closing) return "closed";
    const now = (this.options.now ?? Date.now)();
    for (const [id, at] of this.seen) {
      if (now - at > (this.options.rememberMs ?? 3_600_000)) this.seen.delete(id);
    }
    const id = `${job.jobId}:${job.token}`;
    if (this.seen.has(id)) return "known";
    if (this.waiting.length >= (this.options.queueLimit ?? 100)) return "full";
    this.seen.set(id, now);
    this.waiting.push(job);
    this.pump();
    return "accepted";
  }

  private pump() {
    while (this.running.size < (this.options.concurrency ?? 1) && this.waiting.length > 0) {
      const job = this.waiting.shift() as BuilderMediaJob;
      const controller = new AbortController();
      const id = `${job.jobId}:${job.token}`;
      this.running.set(id, controller);
      void this.execute(job, controller.signal).finally(() => {
        this.running.delete(id);
        this.pump();
        if (this.running.size === 0 && this.waiting.length === 0) {
          for (const done of this.idle.splice(0)) done();
        }
      });
    }
  }

  private async execute(job: BuilderMediaJob, signal: AbortSignal) {
    const base = { jobId: job.jobId, token: job.token };
    await this.options.post(job.callbackUrl, { ...base, state: "running" });
    const outcome = await this.options.run(job, signal);
    await this.options.post(
      job.callbackUrl,
      outcome.ok
        ? { ...base, state: "done", output: outcome.output }
        : { ...base, state: "failed", error: outcome.error, permanent: outcome.permanent },
    );
  }

  /** Refuses new jobs, fails the waiting ones, gives running ones `graceMs`, then aborts them. */
  async shutdown(graceMs: number): Promise<void> {
    this.closing = true;
    const dropped = this.waiting.splice(0);
    await Promise.all(
      dropped.map((job) =>
        this.options.post(job.callbackUrl, {
          jobId: job.jobId,
          token: job.token,
          state: "failed",
          error: "The builder shut down before running the job",
        }),
      ),
    );
    if (this.running.size === 0) return;
    const finished = new Promise<void>((resolve) => this.idle.push(resolve));
    const timer = setTimeout(() => {
      for (const controller of this.running.values()) controller.abort();
    }, graceMs);
    await finished;
    clearTimeout(timer);
  }
}
