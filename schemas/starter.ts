// A starter is a site config in OCW Studio's format (`ocw-studio.yaml`): it declares the
// site's collections and the fields of their items, and the editor, validator and Hugo export
// are all driven by it. Read as OCW writes it; unknown keys are kept, not rejected, so real
// configs load unchanged.
import { z } from "zod";

export const widgets = [
  "string",
  "text",
  "markdown",
  "file",
  "select",
  "boolean",
  "hidden",
  "object",
  "relation",
  "menu",
  "hierarchical-select",
  "website-collection",
] as const;
export const widget = z.enum(widgets);
export type Widget = z.infer<typeof widget>;

const fieldName = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, {
    message: "must start with a letter or _ and use letters, digits, _ and -",
  });

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const selectOption = z.union([
  z.string(),
  z.number().transform(String),
  z.looseObject({ label: z.string(), value: z.string() }),
]);
export type SelectOption = z.infer<typeof selectOption>;

export const fieldCondition = z.looseObject({ field: fieldName, equals: scalar });

export const relationFilter = z.looseObject({
  field: z.string(),
  filter_type: z.enum(["equals"]).default("equals"),
  value: scalar,
});

/** `options_map`: topic → subtopic → list of specialities (any depth up to `levels`). */
export type OptionsMap = { [key: string]: OptionsMap | string[] };
const optionsMap: z.ZodType<OptionsMap> = z.lazy(() =>
  z.record(z.string(), z.union([optionsMap, z.array(z.string())])),
);

export type StarterField = {
  label: string;
  name: string;
  widget: Widget;
  required?: boolean | undefined;
  default?: unknown;
  help?: string | undefined;
  readOnly?: boolean | undefined;
  condition?: z.infer<typeof fieldCondition> | undefined;
  // select
  options?: SelectOption[] | undefined;
  multiple?: boolean | undefined;
  min?: number | undefined;
  max?: number | undefined;
  // markdown
  minimal?: boolean | string | undefined;
  allowed_html?: string[] | undefined;
  link?: string[] | undefined;
  embed?: string[] | undefined;
  // object
  fields?: StarterField[] | undefined;
  // relation
  collection?: string | undefined;
  display_field?: string | undefined;
  filter?: z.infer<typeof relationFilter> | undefined;
  website?: string | undefined;
  cross_site?: boolean | undefined;
  // hierarchical-select
  levels?: { label: string; name: string }[] | undefined;
  options_map?: OptionsMap | undefined;
  [extra: string]: unknown;
};

const rawField: z.ZodType<StarterField> = z.lazy(() =>
  z
    .looseObject({
      label: z.string().min(1),
      name: fieldName,
      // OCW configs sometimes leave the widget out: a field with options is a select, others strings.
      widget: widget.optional(),
      required: z.boolean().optional(),
      default: z.unknown().optional(),
      help: z.string().optional(),
      readOnly: z.boolean().optional(),
      condition: fieldCondition.optional(),
      options: z.array(selectOption).optional(),
      multiple: z.boolean().optional(),
      min: z.number().int().min(0).optional(),
      max: z.number().int().min(1).optional(),
      // `false`, `true`, or a named toolbar such as "with-math".
      minimal: z.union([z.boolean(), z.string()]).optional(),
      allowed_html: z.array(z.string()).optional(),
      link: z.array(z.string()).optional(),
      embed: z.array(z.string()).optional(),
      fields: z.array(rawField).optional(),
      collection: z.string().optional(),
      display_field: z.string().optional(),
      filter: relationFilter.optional(),
      website: z.string().optional(),
      cross_site: z.boolean().optional(),
      levels: z
        .array(z.looseObject({ label: z.string(), name: fieldName }))
        .min(1)
        .optional(),
      options_map: optionsMap.optional(),
    })
    .transform((f) => ({ ...f, widget: f.widget ?? (f.options ? "select" : "string") }))
    .superRefine((f, ctx) => {
      const need = (key: string, message: string) =>
        ctx.addIssue({ code: "custom", path: [key], message });
      if (f.widget === "select" && !f.options?.length) need("options", "a select needs options");
      if (f.widget === "object" && !f.fields?.length) need("fields", "an object needs fields");
      if (f.widget === "relation" && !f.collection)
        need("collection", "a relation needs a collection");
      if (f.widget === "hierarchical-select") {
        if (!f.levels) need("levels", "a hierarchical-select needs levels");
        if (!f.options_map) need("options_map", "a hierarchical-select needs options_map");
      }
      if (f.min !== undefined && f.max !== undefined && f.min > f.max) {
        need("min", "must not be greater than max");
      }
      if (f.fields) checkUniqueNames(f.fields, ctx, ["fields"]);
    }),
) as unknown as z.ZodType<StarterField>;
export const starterField = rawField;

function checkUniqueNames(fields: StarterField[], ctx: z.RefinementCtx, at: (string | number)[]) {
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    if (seen.has(f.name)) {
      ctx.addIssue({
        code: "custom",
        path: [...at, i, "name"],
        message: `duplicate field name "${f.name}"`,
      });
    }
    seen.add(f.name);
  });
}

export const starterFile = z.looseObject({
  file: z.string().min(1),
  name: fieldName,
  label: z.string().min(1),
  fields: z.array(starterField).min(1),
});
export type StarterFile = z.infer<typeof starterFile>;

export const starterCollection = z
  .looseObject({
    name: z
      .string()
      .min(1)
      .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, { message: "must be an identifier" }),
    label: z.string().min(1),
    category: z.string().optional(),
    folder: z.string().optional(),
    files: z.array(starterFile).min(1).optional(),
    fields: z.array(starterField).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.folder === undefined && c.files === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["folder"],
        message: "a collection needs folder or files",
      });
    }
    if (c.folder !== undefined && c.files !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["files"],
        message: "a collection has folder or files, not both",
      });
    }
    if (c.folder !== undefined && !c.fields?.length) {
      ctx.addIssue({
        code: "custom",
        path: ["fields"],
        message: "a folder collection needs fields",
      });
    }
    if (c.fields) checkUniqueNames(c.fields, ctx, ["fields"]);
  });
export type StarterCollection = z.infer<typeof starterCollection>;

const safeRelativePath = z
  .string()
  .refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), {
    message: "must be a relative path inside the site",
  });

export const starterConfig = z
  .looseObject({
    "root-url-path": z.string().default(""),
    "site-url-format": z.string().optional(),
    "content-dir": safeRelativePath.optional(),
    collections: z.array(starterCollection).min(1),
  })
  .superRefine((cfg, ctx) => {
    const names = new Set<string>();
    cfg.collections.forEach((c, i) => {
      if (names.has(c.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["collections", i, "name"],
          message: `duplicate collection "${c.name}"`,
        });
      }
      names.add(c.name);
      if (c.folder !== undefined && !safeRelativePath.safeParse(c.folder).success) {
        ctx.addIssue({
          code: "custom",
          path: ["collections", i, "folder"],
          message: "must be a relative path inside the site",
        });
      }
      c.files?.forEach((f, j) => {
        if (!safeRelativePath.safeParse(f.file).success) {
          ctx.addIssue({
            code: "custom",
            path: ["collections", i, "files", j, "file"],
            message: "must be a relative path inside the site",
          });
        }
      });
    });
    // Same-site relations must point at a collection this starter declares.
    const visit = (fields: StarterField[], path: (string | number)[]) => {
      fields.forEach((f, k) => {
        if (
          f.widget === "relation" &&
          f.collection &&
          !f.website &&
          !f.cross_site &&
          !names.has(f.collection)
        ) {
          ctx.addIssue({
            code: "custom",
            path: [...path, k, "collection"],
            message: `no collection named "${f.collection}" in this starter`,
          });
        }
        if (f.fields) visit(f.fields, [...path, k, "fields"]);
      });
    };
    cfg.collections.forEach((c, i) => {
      if (c.fields) visit(c.fields, ["collections", i, "fields"]);
      c.files?.forEach((f, j) => {
        visit(f.fields, ["collections", i, "files", j, "fields"]);
      });
    });
  });
export type StarterConfig = z.infer<typeof starterConfig>;

/** `collections.3.fields.2.widget` → `collections[3].fields[2].widget` */
export function formatStarterPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`))
    .join("");
}
