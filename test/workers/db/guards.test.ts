import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { expectChanged, isGuardFailure } from "#workers/db/queries/guards";
import { tenants } from "#workers/db/schema";
import { newId } from "#workers/domain/ids";
import { db, uniq } from "../../factories.ts";

describe("expectChanged", () => {
  it("keeps the batch when the write before it changed a row", async () => {
    const id = newId("ten");
    await db()
      .insert(tenants)
      .values({ id, slug: uniq("g").toLowerCase(), name: "Before" });
    const other = newId("ten");
    await db().batch([
      db().update(tenants).set({ name: "After" }).where(eq(tenants.id, id)),
      expectChanged(db()),
      db()
        .insert(tenants)
        .values({ id: other, slug: uniq("g").toLowerCase(), name: "Also" }),
    ]);
    expect((await db().query.tenants.findFirst({ where: eq(tenants.id, id) }))?.name).toBe("After");
    expect(await db().query.tenants.findFirst({ where: eq(tenants.id, other) })).toBeDefined();
  });

  it("rolls back the whole batch when the write before it changed nothing", async () => {
    const id = newId("ten");
    const slug = uniq("g").toLowerCase();
    const err = await db()
      .batch([
        db().insert(tenants).values({ id, slug, name: "Written first" }),
        db().update(tenants).set({ name: "x" }).where(eq(tenants.id, "ten_nothing")),
        expectChanged(db()),
        db()
          .insert(tenants)
          .values({ id: newId("ten"), slug: uniq("g").toLowerCase(), name: "Later" }),
      ])
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isGuardFailure(err)).toBe(true);
    expect(await db().query.tenants.findFirst({ where: eq(tenants.id, id) })).toBeUndefined();
  });
});
