// Deploy manifests, immutable per deploy id: an isolate keeps the recently used ones in memory
// (bounded by total size), a location keeps them in the Cache API, and R2 holds the original
// (`deploys/<id>.json`, validated against the schema when read from R2, the only place a
// manifest enters delivery). A manifest is a Map so a path like "__proto__" is just a path.
import {
  type DeployFile,
  type DeployMedia,
  deployManifest,
  deployManifestKey,
} from "#schemas/deploy";
import { SizedLru } from "./memory.ts";
import { edgeCache, INTERNAL_ORIGIN } from "./site-lookup.ts";

export type Manifest = {
  deployId: string;
  files: Map<string, DeployFile>;
  /** Uploaded media the site links to, served from R2 MEDIA. */
  media: Map<string, DeployMedia>;
};

/** Memory budget for manifests per isolate (isolates have 128 MB in all). */
export const MANIFEST_MEMORY_BYTES = 32 * 1024 * 1024;
const MANIFEST_CACHE_SECONDS = 7 * 24 * 3600;

const memory = new SizedLru<Manifest>(MANIFEST_MEMORY_BYTES);

const manifestCacheKey = (deployId: string) => `${INTERNAL_ORIGIN}/manifest/${deployId}`;

function toManifest(
  deployId: string,
  parsed: { files: Record<string, DeployFile>; media?: Record<string, DeployMedia> | undefined },
): Manifest {
  return {
    deployId,
    files: new Map(Object.entries(parsed.files)),
    media: new Map(Object.entries(parsed.media ?? {})),
  };
}

/** The manifest of a deploy, or null when R2 has none (or an invalid one). */
export async function loadManifest(env: Env, deployId: string): Promise<Manifest | null> {
  const remembered = memory.get(deployId);
  if (remembered) return remembered;
  // A string in memory takes ~2 bytes per character; the Map roughly doubles that again.
  const remember = (m: Manifest, text: string) => memory.set(deployId, m, text.length * 4);

  const cached = await edgeCache().match(manifestCacheKey(deployId));
  if (cached) {
    const text = await cached.text();
    try {
      const parsed = JSON.parse(text) as {
        files: Record<string, DeployFile>;
        media?: Record<string, DeployMedia>;
      };
      const manifest = toManifest(deployId, parsed);
      remember(manifest, text);
      return manifest;
    } catch {
      // Fall through to R2.
    }
  }

  const parsedId = deployManifest.shape.deployId.safeParse(deployId);
  if (!parsedId.success) return null;
  const object = await env.SITES.get(deployManifestKey(parsedId.data));
  if (!object) return null;
  const text = await object.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  const parsed = deployManifest.safeParse(json);
  if (!parsed.success || parsed.data.deployId !== deployId) {
    console.error(JSON.stringify({ level: "error", msg: "invalid deploy manifest", deployId }));
    return null;
  }
  const manifest = toManifest(deployId, parsed.data);
  remember(manifest, text);
  await edgeCache().put(
    manifestCacheKey(deployId),
    new Response(text, {
      headers: {
        "content-type": "application/json",
        "cache-control": `public, max-age=${MANIFEST_CACHE_SECONDS}, immutable`,
      },
    }),
  );
  return manifest;
}

/** Forget every manifest this isolate remembers (purge_everything in local mode). */
export function clearManifestMemory(): void {
  memory.clear();
}
