// Before a site is sent to the builder: does every live item still validate against the site's
// starter, with every relation pointing at a live item of the right collection? Items were
// valid when saved, but a relation's target may since have been deleted, and a starter version
// may have tightened a field. The answer lists every problem (up to a bound) so an author can
// fix them all at once; publishing is refused until then. A relation naming another site (OCW's
// `{ content, website }`, e.g. instructors kept in `ocw-www`) cannot be checked here and is not,
// as on import (workers/domain/ocw-import.ts).
import type { StarterConfig } from "#schemas/starter";
import type { Db } from "#workers/db/client";
import { exportIndex, itemsByUid } from "#workers/db/queries/content";
import { collectionShape } from "#workers/domain/content";
import { type RelationRef, validateContent } from "#workers/domain/content-validation";

const PAGE = 90;
const MAX_ERRORS = 100;

export type PublishProblem = { field: string; message: string };

export async function publishProblems(
  db: Db,
  tenantId: string,
  siteId: string,
  config: StarterConfig,
  /** The names relations use for this site (its slug). */
  siteNames: readonly string[] = [],
): Promise<PublishProblem[]> {
  const index = await exportIndex(db, tenantId, siteId);
  const byUid = new Map(index.map((e) => [e.uid.toLowerCase(), e]));
  const problems: PublishProblem[] = [];
  const own = new Set(siteNames);
  const relationExists = (ref: RelationRef) =>
    (ref.website !== undefined && !own.has(ref.website)) ||
    byUid.get(ref.uid.toLowerCase())?.collection === ref.collection;
  for (let i = 0; i < index.length && problems.length < MAX_ERRORS; i += PAGE) {
    const rows = await itemsByUid(
      db,
      tenantId,
      siteId,
      index.slice(i, i + PAGE).map((e) => e.uid),
    );
    for (const row of rows) {
      const c = config.collections.find((x) => x.name === row.collection);
      if (!c) continue; // not exported either
      const shape = collectionShape(config, row.collection, c.files ? row.filename : undefined);
      if (!shape) continue;
      const values = shape.hasBody ? { ...row.data, body: row.body } : { ...row.data };
      const result = validateContent(shape.fields, values, {
        mode: "update",
        relationExists,
        previous: values,
      });
      if (result.ok) continue;
      for (const e of result.errors) {
        problems.push({
          field: `${row.collection}/${row.filename}.${e.field}`,
          message: `${e.message} (in "${row.title || row.filename}", uid ${row.uid})`,
        });
        if (problems.length >= MAX_ERRORS) break;
      }
    }
  }
  return problems;
}
