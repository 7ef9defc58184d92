import { starterConfig } from "#schemas/starter";

/**
 * What a starter says a site holds, for display: each collection is a folder of repeatable
 * items or a fixed set of single files. An unreadable config lists nothing rather than guessing.
 */
export function collectionsOf(config: unknown) {
  const parsed = starterConfig.safeParse(config);
  if (!parsed.success) return [];
  return parsed.data.collections.map((c) => ({
    name: c.name,
    label: c.label,
    category: c.category ?? null,
    files: c.files?.map((f) => f.label) ?? null,
  }));
}

export type CollectionSummary = ReturnType<typeof collectionsOf>[number];
