// Words and numbers of the publishing pages, shared by server and browser (like lib/format.ts,
// times are UTC so the server render and the hydrated one agree).
import type { DeployState, Rebuild } from "#schemas/publish";

export type PublishTarget = "preview" | "live";

export const targetLabels: Record<PublishTarget, string> = { preview: "Preview", live: "Live" };

export const deployStateLabels: Record<DeployState, string> = {
  queued: "Queued",
  building: "Building",
  uploading: "Uploading",
  activating: "Activating",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
};

export const rebuildStateLabels: Record<Rebuild["state"], string> = {
  running: "Running",
  cancelled: "Cancelled",
  finished: "Finished",
};

/** The tag class that colours a state: failures warn, successes are plain. */
export function stateTagClass(state: DeployState): string {
  if (state === "failed") return "tag tag-failed";
  if (state === "succeeded") return "tag tag-active";
  if (state === "cancelled") return "tag";
  return "tag tag-running";
}

/** "dep_01JX…" → "01JX4K2M" (enough to tell deploys apart on screen). */
export function shortDeployId(id: string): string {
  return id.replace(/^dep_/, "").slice(0, 8);
}

/** 1536 → "1.5 KB" (decimal units, as file managers show them). */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return "—";
  if (bytes < 1000) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** 65_000 → "1 min 5 s"; null → "—". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${Math.max(seconds, ms > 0 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
}

export function formatCount(n: number | null): string {
  return n === null ? "—" : n.toLocaleString("en");
}
