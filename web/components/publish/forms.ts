// The publish panel's forms, validated with the API's own schemas (as lib/forms.ts does for
// the other pages), in the browser and again in the action.
import { createScheduleBody, previewLinkBody } from "#schemas/publish";
import { createDomainBody } from "#schemas/site-access";
import type { FieldSource, FormSpec } from "../../lib/forms.ts";

function text(form: FieldSource, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * The moment a `datetime-local` value means. The browser fills `runAtIso` with the value read
 * in the viewer's time zone (with its offset at that date, so summer time is right); without
 * JavaScript only the bare value arrives, and it is read as UTC, as the form says.
 */
export function scheduledMoment(form: FieldSource): string | undefined {
  const iso = text(form, "runAtIso");
  if (iso && !Number.isNaN(Date.parse(iso))) return iso;
  const local = text(form, "runAt");
  if (!local) return undefined;
  const utc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local) ? `${local}:00Z` : `${local}Z`;
  return Number.isNaN(Date.parse(utc)) ? local : new Date(utc).toISOString();
}

/** `2026-11-24T09:30` read in this browser's time zone → ISO with that zone's offset. */
export function localToIso(local: string): string | null {
  const d = new Date(local);
  if (Number.isNaN(d.getTime())) return null;
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${local.length === 16 ? `${local}:00` : local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export const scheduleForm: FormSpec<typeof createScheduleBody> = {
  schema: createScheduleBody,
  labels: { action: "Action", runAt: "Date and time" },
  read: (form) => ({ action: text(form, "action"), runAt: scheduledMoment(form) }),
};

export const previewLinkForm: FormSpec<typeof previewLinkBody> = {
  schema: previewLinkBody,
  labels: { expiresInHours: "Valid for" },
  read: (form) => {
    const hours = text(form, "expiresInHours");
    return hours === undefined ? {} : { expiresInHours: Number(hours) };
  },
};

export const domainForm: FormSpec<typeof createDomainBody> = {
  schema: createDomainBody,
  labels: { hostname: "Hostname", siteId: "Site" },
  read: (form) => ({ hostname: text(form, "hostname")?.trim(), siteId: text(form, "siteId") }),
};
