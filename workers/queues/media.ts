// The media queue's consumers (docs/decisions/013-media-pipeline.md):
// - lectern-media: "start" plans and starts an item's MediaPipeline; "run" runs one attempt of
//   a step (workers/media/steps.ts) and gives the result to the item's pipeline. An attempt the
//   pipeline no longer runs (retried or finished meanwhile) is dropped.
// - lectern-media-dlq: messages the queue gave up on (their handling kept throwing: D1, R2 or
//   the object unreachable). A "run" fails its step with the reason, visible and retryable; a
//   "start" leaves the reason on the item. Nothing is dropped silently.
// - "youtube_public" (PROVIDERS, ADR 014): the site went live; its YouTube videos go public.
import { type MediaQueueMessage, mediaQueueMessage } from "#schemas/media-jobs";
import { createDb } from "#workers/db/client";
import { getMediaJob, setMediaItemError } from "#workers/db/queries/media-jobs";
import { pipelineOf } from "#workers/media/pipeline";
import { runStep } from "#workers/media/steps";
import { handleYouTubePublic } from "#workers/providers/youtube-public";
import { consumeEach } from "./consume.ts";

/** What the log names a media message by. */
const describe = (msg: MediaQueueMessage) =>
  `${msg.kind} ${"mediaId" in msg ? msg.mediaId : msg.siteId}`;

export async function handleMediaBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  await consumeEach(
    batch,
    mediaQueueMessage,
    { name: "media-queue", maxDelaySeconds: 60, describe },
    async (msg) => {
      if (msg.kind === "youtube_public") {
        await handleYouTubePublic(env, msg);
      } else if (msg.kind === "start") {
        await pipelineOf(env, msg.mediaId).start({
          tenantId: msg.tenantId,
          siteId: msg.siteId,
          mediaId: msg.mediaId,
        });
      } else {
        const db = createDb(env.DB);
        const job = await getMediaJob(db, msg.tenantId, msg.jobId);
        if (job && job.state === "running" && job.mediaId === msg.mediaId) {
          const result = await runStep(env, db, msg, job.kind);
          if (result) await pipelineOf(env, msg.mediaId).result(msg.jobId, msg.token, result);
        }
      }
    },
  );
}

export async function handleMediaDeadLetters(
  batch: MessageBatch<unknown>,
  env: Env,
): Promise<void> {
  const reason =
    "The media queue gave up on this step: handling it kept failing (storage or database unavailable). Retry it.";
  // A dead letter that cannot be recorded either is tried again a minute later.
  await consumeEach(
    batch,
    mediaQueueMessage,
    { name: "media-dlq", maxDelaySeconds: 60, describe },
    async (msg) => {
      if (msg.kind === "run") {
        await pipelineOf(env, msg.mediaId).deadLetter(msg.jobId, msg.token, reason);
      } else if (msg.kind === "youtube_public") {
        // Nothing to mark: the videos stay unlisted, and the next live publish asks again.
        console.error(`[media-dlq] gave up making ${msg.siteId}'s YouTube videos public`);
      } else {
        await setMediaItemError(
          createDb(env.DB),
          msg.tenantId,
          msg.mediaId,
          "The media pipeline could not start for this file (the media queue gave up on it).",
        );
      }
    },
  );
}
