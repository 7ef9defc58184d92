// Handing the builder a job: site builds (SitePublisher → POST /jobs) and media steps (the media
// pipeline → POST /media-jobs), both JSON signed with BUILDER_JOB_SECRET (ADR 009). The caller
// decides what an outcome means for its state machine; this only tells a refusal that may pass
// (429, 5xx, no answer) from one that will not.
import { signRequest } from "#workers/domain/job-signing";

/** How long the builder may take to accept a job (it answers 202 before it starts). */
export const DISPATCH_TIMEOUT_MS = 15_000;

export type DispatchOutcome =
  | { ok: true }
  | {
      ok: false;
      /** Worth trying again: the builder is busy or away, not refusing the job itself. */
      transient: boolean;
      /** The builder's status, or null when it did not answer. */
      status: number | null;
      /** What went wrong, with the start of the builder's answer (never a secret). */
      detail: string;
    };

export async function dispatchToBuilder(
  builder: { url: string; secrets: readonly string[] },
  path: "/jobs" | "/media-jobs",
  job: unknown,
): Promise<DispatchOutcome> {
  const body = JSON.stringify(job);
  const url = new URL(path, builder.url);
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-lectern-signature": await signRequest({
          secret: [...builder.secrets],
          method: "POST",
          path: url.pathname,
          body,
        }),
      },
      body,
      signal: AbortSignal.timeout(DISPATCH_TIMEOUT_MS),
    });
    const text = await res.text().catch(() => "");
    if (res.ok) return { ok: true };
    return {
      ok: false,
      transient: res.status === 429 || res.status >= 500,
      status: res.status,
      detail: `answered ${res.status}${text ? `: ${text.slice(0, 300)}` : ""}`,
    };
  } catch (err) {
    return {
      ok: false,
      transient: true,
      status: null,
      detail: `did not answer: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}
