// A collection list's search and filters: a GET form read with the API's own query schema.
import { contentListQuery } from "#schemas/content";
import type { FormSpec } from "./forms.ts";

export const contentFilterNames = ["q", "text", "resourcetype", "deleted", "sort"] as const;

const filterSchema = contentListQuery.pick({
  q: true,
  text: true,
  resourcetype: true,
  deleted: true,
  sort: true,
  cursor: true,
});

/** The list's search and filters come from a GET form; the defaults are left out. */
export const contentFilterForm: FormSpec<typeof filterSchema> = {
  schema: filterSchema,
  labels: {
    q: "Title or filename",
    text: "Text",
    resourcetype: "Resource type",
    deleted: "Deleted items",
    sort: "Sort by",
    cursor: "Page",
  },
  read: (f) => {
    const value = (name: string) => {
      const v = f.get(name);
      return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
    };
    return Object.fromEntries(
      [...contentFilterNames, "cursor"].map((name) => [name, value(name)]).filter(([, v]) => v),
    );
  },
};
