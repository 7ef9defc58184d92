// What to tell someone about to publish a site about its media: videos without captions, images
// without alt text, media jobs still running. Warnings, never refusals: a site may go out with
// them (the build report names the same accessibility gaps in the built pages, ADR 010).
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { MediaWarning } from "#schemas/media";
import type { Db } from "#workers/db/client";
import { mediaItemsByResources } from "#workers/db/queries/media";
import { contentItems, mediaItems, mediaJobs } from "#workers/db/schema";

/** At most this many warnings of each kind are listed (the counts are exact). */
const LIST = 50;
/** Resources of one type read at once: far above a course's (OCW's largest have a few hundred). */
const MAX_RESOURCES = 5000;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown) =>
  (typeof v === "string" && v.trim() !== "") || (Array.isArray(v) && v.length > 0);

function resourcesOfType(db: Db, tenantId: string, siteId: string, type: "Video" | "Image") {
  return db
    .select({
      uid: contentItems.uid,
      title: contentItems.title,
      filename: contentItems.filename,
      data: contentItems.data,
    })
    .from(contentItems)
    .where(
      and(
        eq(contentItems.tenantId, tenantId),
        eq(contentItems.siteId, siteId),
        eq(contentItems.collection, "resource"),
        eq(contentItems.resourcetype, type),
        isNull(contentItems.deletedAt),
      ),
    )
    .limit(MAX_RESOURCES);
}

export type MediaWarnings = {
  videosWithoutCaptions: number;
  imagesWithoutAlt: number;
  jobsRunning: number;
  items: MediaWarning[];
};

export async function mediaWarnings(
  db: Db,
  tenantId: string,
  siteId: string,
): Promise<MediaWarnings> {
  const items: MediaWarning[] = [];

  // Videos: captions linked on the resource (OCW's video_files), or made by the pipeline.
  const videos = await resourcesOfType(db, tenantId, siteId, "Video");
  const uploaded = await mediaItemsByResources(
    db,
    tenantId,
    siteId,
    videos.map((v) => v.uid),
  );
  const captioned = new Set(
    uploaded.filter((m) => m.variants.some((v) => v.role === "captions")).map((m) => m.resourceUid),
  );
  let videosWithoutCaptions = 0;
  for (const v of videos) {
    const files = isObject(v.data.video_files) ? v.data.video_files : {};
    if (
      captioned.has(v.uid) ||
      nonEmpty(files.video_captions_resources) ||
      nonEmpty(files.video_captions_file)
    ) {
      continue;
    }
    videosWithoutCaptions++;
    if (videosWithoutCaptions <= LIST) {
      items.push({
        kind: "video_without_captions",
        resourceUid: v.uid,
        title: v.title || v.filename,
        message: `The video "${v.title || v.filename}" has no captions`,
      });
    }
  }

  const images = await resourcesOfType(db, tenantId, siteId, "Image");
  let imagesWithoutAlt = 0;
  for (const i of images) {
    const meta = isObject(i.data.image_metadata) ? i.data.image_metadata : {};
    if (nonEmpty(meta["image-alt"])) continue;
    imagesWithoutAlt++;
    if (imagesWithoutAlt <= LIST) {
      items.push({
        kind: "image_without_alt",
        resourceUid: i.uid,
        title: i.title || i.filename,
        message: `The image "${i.title || i.filename}" has no alt text`,
      });
    }
  }

  const running = await db
    .select({
      mediaId: mediaJobs.mediaId,
      kind: mediaJobs.kind,
      state: mediaJobs.state,
      filename: mediaItems.filename,
      resourceUid: mediaItems.resourceUid,
    })
    .from(mediaJobs)
    .innerJoin(mediaItems, eq(mediaItems.id, mediaJobs.mediaId))
    .where(
      and(
        eq(mediaJobs.tenantId, tenantId),
        eq(mediaJobs.siteId, siteId),
        inArray(mediaJobs.state, ["queued", "running"]),
      ),
    )
    .limit(1000);
  for (const j of running.slice(0, LIST)) {
    items.push({
      kind: "job_running",
      mediaId: j.mediaId,
      ...(j.resourceUid ? { resourceUid: j.resourceUid } : {}),
      title: j.filename,
      message: `${j.filename}: ${j.kind.replaceAll("_", " ")} is still ${j.state}`,
    });
  }
  return { videosWithoutCaptions, imagesWithoutAlt, jobsRunning: running.length, items };
}
