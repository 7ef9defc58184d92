// Forms are validated with the API's own zod schemas, in the browser (before submitting, once
// JavaScript has loaded) and again in the route action (always, so forms work without it).
// A form definition says which schema applies, how its fields read from FormData and what
// each field is called on screen, so an error reads "Email is required" wherever it shows.
import { z } from "zod";
import { auditListQuery } from "#schemas/audit";
import { changePasswordBody, signInBody, updateProfileBody } from "#schemas/auth";
import { displayName, password } from "#schemas/common";
import { acceptInvitationBody, createInvitationBody, updateMemberBody } from "#schemas/members";
import { addCollaboratorBody, createSiteBody, siteListQuery, updateSiteBody } from "#schemas/sites";
import { createStarterBody, createStarterVersionBody } from "#schemas/starters";
import { createTenantBody } from "#schemas/tenants";
import { createApiTokenBody } from "#schemas/tokens";

/** Field name → a whole sentence about it. */
export type FieldErrors = Record<string, string>;

/** FormData from a POST, or URLSearchParams from a GET form. */
export type FieldSource = { get(name: string): FormDataEntryValue | null };

export type FormSpec<S extends z.ZodType> = {
  schema: S;
  labels: Record<string, string>;
  read: (form: FieldSource) => Record<string, unknown>;
};

export type Parsed<S extends z.ZodType> =
  | { ok: true; data: z.output<S> }
  | { ok: false; fieldErrors: FieldErrors };

function defineForm<S extends z.ZodType>(spec: FormSpec<S>): FormSpec<S> {
  return spec;
}

/** A text field's value, with empty meaning "not given". */
function text(form: FieldSource, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === "string" && value !== "" ? value : undefined;
}

function wholeNumber(form: FieldSource, name: string): number | undefined {
  const value = text(form, name)?.trim();
  return value === undefined || value === "" ? undefined : Number(value);
}

/** Messages for the schema checks that carry none, phrased to follow the field's label. */
const friendlyMessage: z.core.$ZodErrorMap = (issue) => {
  if (issue.input === undefined || issue.input === "") return "is required";
  switch (issue.code) {
    case "too_small":
      if (issue.origin === "string") {
        return Number(issue.minimum) <= 1
          ? "is required"
          : `must be at least ${issue.minimum} characters`;
      }
      return `must be at least ${issue.minimum}`;
    case "too_big":
      return issue.origin === "string"
        ? `must be at most ${issue.maximum} characters`
        : `must be at most ${issue.maximum}`;
    case "invalid_type":
      return issue.expected === "number" || issue.expected === "int"
        ? "must be a whole number"
        : "is not valid";
    case "invalid_value":
      return "must be one of the listed choices";
    case "invalid_format":
      if (issue.format === "email") return "must be a valid email address";
      return issue.format === "datetime" ? "must be a date" : "is not valid";
    default:
      return undefined;
  }
};

/** "Email" + "is required" → "Email is required"; a message that is a sentence stays as is. */
export function sentence(label: string | undefined, message: string): string {
  if (!label || !/^[a-z]/.test(message)) return message;
  return `${label} ${message}`;
}

export function parseForm<S extends z.ZodType>(spec: FormSpec<S>, form: FieldSource): Parsed<S> {
  const result = spec.schema.safeParse(spec.read(form), { error: friendlyMessage });
  if (result.success) return { ok: true, data: result.data };
  const fieldErrors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path.map(String).join(".") || "form";
    fieldErrors[field] ??= sentence(spec.labels[field], issue.message);
  }
  return { ok: false, fieldErrors };
}

/** The "(again)" field is the UI's own check; the API never sees it. */
const confirmation = { confirmPassword: z.string() };
const mismatch = { message: "does not match the password above", path: ["confirmPassword"] };

export const signInForm = defineForm({
  schema: signInBody,
  labels: { email: "Email", password: "Password" },
  read: (f) => ({ email: text(f, "email"), password: text(f, "password") }),
});

export const profileForm = defineForm({
  schema: updateProfileBody,
  labels: { name: "Display name" },
  read: (f) => ({ name: text(f, "name") }),
});

export const passwordForm = defineForm({
  schema: changePasswordBody
    .extend(confirmation)
    .refine((v) => v.newPassword === v.confirmPassword, mismatch),
  labels: {
    currentPassword: "Current password",
    newPassword: "New password",
    confirmPassword: "New password (again)",
  },
  read: (f) => ({
    currentPassword: text(f, "currentPassword"),
    newPassword: text(f, "newPassword"),
    confirmPassword: text(f, "confirmPassword") ?? "",
  }),
});

export const createTenantForm = defineForm({
  schema: createTenantBody,
  labels: { name: "Tenant name", slug: "Slug", ownerEmail: "Owner email" },
  read: (f) => ({
    name: text(f, "name"),
    slug: text(f, "slug")?.trim() || undefined,
    ownerEmail: text(f, "ownerEmail"),
  }),
});

export const inviteForm = defineForm({
  schema: createInvitationBody,
  labels: { email: "Email", role: "Role" },
  read: (f) => ({ email: text(f, "email"), role: text(f, "role") }),
});

export const memberRoleForm = defineForm({
  schema: updateMemberBody,
  labels: { role: "Role" },
  read: (f) => ({ role: text(f, "role") }),
});

export const createTokenForm = defineForm({
  schema: createApiTokenBody,
  labels: { name: "Token name", role: "Role", expiresInDays: "Expiry" },
  read: (f) => ({
    name: text(f, "name"),
    role: text(f, "role"),
    expiresInDays: wholeNumber(f, "expiresInDays"),
  }),
});

/** A new person accepting an invitation: the token comes from the link, not the form. */
export const acceptAsNewUserForm = defineForm({
  schema: acceptInvitationBody
    .omit({ token: true })
    .extend({ name: displayName, password, ...confirmation })
    .refine((v) => v.password === v.confirmPassword, mismatch),
  labels: { name: "Your name", password: "Password", confirmPassword: "Password (again)" },
  read: (f) => ({
    name: text(f, "name"),
    password: text(f, "password"),
    confirmPassword: text(f, "confirmPassword") ?? "",
  }),
});

/**
 * The audit log's filters come from a GET form; dates are whole days in UTC, which the API
 * takes as ISO instants (the start of "from", the end of "to").
 */
export const auditFilterForm = defineForm({
  schema: auditListQuery.omit({ limit: true }),
  labels: {
    action: "Action",
    actor: "Actor",
    targetType: "Target type",
    since: "From",
    until: "To",
    cursor: "Page",
  },
  read: (f) => {
    const day = (name: string, time: string) => {
      const value = text(f, name)?.trim();
      if (!value) return undefined;
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T${time}Z` : value;
    };
    return {
      action: text(f, "action")?.trim() || undefined,
      actor: text(f, "actor")?.trim() || undefined,
      targetType: text(f, "targetType") || undefined,
      since: day("since", "00:00:00.000"),
      until: day("until", "23:59:59.999"),
      cursor: text(f, "cursor"),
    };
  },
});

export const createSiteForm = defineForm({
  schema: createSiteBody,
  labels: { title: "Title", slug: "Slug", starterId: "Starter", ownerUserId: "Owner" },
  read: (f) => ({
    title: text(f, "title"),
    slug: text(f, "slug")?.trim() || undefined,
    starterId: text(f, "starterId"),
    ownerUserId: text(f, "ownerUserId"),
  }),
});

export const siteSettingsForm = defineForm({
  schema: updateSiteBody,
  labels: { title: "Title", slug: "Slug" },
  read: (f) => ({ title: text(f, "title"), slug: text(f, "slug")?.trim() || undefined }),
});

export const addCollaboratorForm = defineForm({
  schema: addCollaboratorBody,
  labels: { userId: "Member", role: "Site role" },
  read: (f) => ({ userId: text(f, "userId"), role: text(f, "role") }),
});

export const collaboratorRoleForm = defineForm({
  schema: addCollaboratorBody.pick({ role: true }),
  labels: { role: "Site role" },
  read: (f) => ({ role: text(f, "role") }),
});

/** The site list's search and filters come from a GET form; the defaults are left out. */
export const siteFilterForm = defineForm({
  schema: siteListQuery.omit({ limit: true }),
  labels: {
    q: "Search",
    starter: "Starter",
    published: "Published",
    archived: "Archived",
    sort: "Sort by",
    cursor: "Page",
  },
  read: (f) => ({
    q: text(f, "q")?.trim() || undefined,
    starter: text(f, "starter") || undefined,
    published: text(f, "published") || undefined,
    archived: text(f, "archived") || undefined,
    sort: text(f, "sort") || undefined,
    cursor: text(f, "cursor"),
  }),
});

export const createStarterForm = defineForm({
  schema: createStarterBody,
  labels: { slug: "Slug", name: "Name", source: "Starter YAML" },
  read: (f) => ({
    slug: text(f, "slug")?.trim(),
    name: text(f, "name"),
    source: text(f, "source"),
  }),
});

export const starterVersionForm = defineForm({
  schema: createStarterVersionBody,
  labels: { source: "Starter YAML" },
  read: (f) => ({ source: text(f, "source") }),
});

/** Non-secret fields echoed back so a page rendered without JavaScript keeps what was typed. */
export function echo(form: FieldSource, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = form.get(name);
    if (typeof value === "string") out[name] = value;
  }
  return out;
}
