import { data, redirect } from "react-router";
import { rollbackBody } from "#schemas/publish";
import { siteRoleAllows } from "#workers/domain/policy";
import { previewLinkForm, scheduleForm } from "../components/publish/forms.ts";
import { echo, parseForm } from "../lib/forms.ts";
import {
  failForm,
  failLoader,
  formFailure,
  messageOf,
  readProblem,
  signInPath,
} from "../lib/problem.server.ts";
import { loadTenant } from "../lib/tenant.server.ts";
import type { Route } from "./+types/publish";

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const { tenantId, siteId } = params;
  const cursor = new URL(request.url).searchParams.get("cursor") || undefined;
  const access = await loadTenant(context.api, request, tenantId);
  const siteApi = context.api.tenants[":tenantId"].sites[":siteId"];
  const param = { tenantId, siteId };
  const [siteRes, statusRes, deploysRes, warningsRes] = await Promise.all([
    siteApi.$get({ param }),
    siteApi.publish.$get({ param }),
    siteApi.deploys.$get({ param, query: { limit: "20", ...(cursor ? { cursor } : {}) } }),
    siteApi.media.warnings.$get({ param }),
  ]);
  if (!siteRes.ok) return failLoader(siteRes, request);
  if (!statusRes.ok) return failLoader(statusRes, request);
  if (!deploysRes.ok) return failLoader(deploysRes, request);
  const site = await siteRes.json();
  const deploys = await deploysRes.json();
  return {
    tenant: access.tenant,
    site: {
      id: site.id,
      title: site.title,
      slug: site.slug,
      archived: site.archived,
      role: site.role,
    },
    // What the buttons offer, from the same policy the API enforces.
    can: {
      publishPreview: siteRoleAllows(site.role, "site:publish-preview"),
      publishLive: siteRoleAllows(site.role, "site:publish-live"),
    },
    status: await statusRes.json(),
    // Media to look at before publishing (never a refusal); the library page has the details.
    mediaWarnings: warningsRes.ok ? await warningsRes.json() : null,
    deploys: deploys.items,
    nextCursor: deploys.nextCursor,
    paged: Boolean(cursor),
  };
}

type Intent =
  | "publish-preview"
  | "publish-live"
  | "unpublish"
  | "rollback"
  | "schedule"
  | "cancel-schedule"
  | "share-preview";

export type PublishActionData =
  | { ok: true; intent: Intent; message: string; previewLink?: { url: string; expiresAt: string } }
  | {
      ok: false;
      intent: string;
      target?: string;
      fieldErrors: Record<string, string>;
      formError: string | null;
      values: Record<string, string>;
      /** What keeps the content from publishing (422): each field and what is wrong with it. */
      problems?: { field: string; message: string }[];
    };

const done = (
  intent: Intent,
  message: string,
  extra: { previewLink?: { url: string; expiresAt: string } } = {},
) => data<PublishActionData>({ ok: true, intent, message, ...extra });

export async function action({ params, context, request }: Route.ActionArgs) {
  const { tenantId, siteId } = params;
  const param = { tenantId, siteId };
  const siteApi = context.api.tenants[":tenantId"].sites[":siteId"];
  const form = await request.formData();
  const intent = form.get("intent");

  if (intent === "publish-preview" || intent === "publish-live") {
    const target = intent === "publish-live" ? "live" : "preview";
    // "Publish live anyway", after a build refused broken links.
    const confirm = target === "live" && form.get("confirmBrokenLinks") === "1";
    const res =
      target === "live"
        ? await siteApi.publish.live.$post({
            param,
            // The typed client reads an optional body as Record<string, never> & the schema;
            // the API validates the body against publishLiveBody all the same.
            json: (confirm ? { confirmBrokenLinks: true } : {}) as Record<string, never>,
          })
        : await siteApi.publish.preview.$post({ param, json: {} });
    if ((res.status as number) === 401) throw redirect(signInPath(request));
    if (!res.ok) {
      const problem = await readProblem(res);
      return data<PublishActionData>(
        {
          ok: false,
          intent,
          fieldErrors: {},
          formError: messageOf(problem),
          values: {},
          ...(problem.errors?.length ? { problems: problem.errors } : {}),
        },
        { status: res.status },
      );
    }
    const accepted = await res.json();
    return done(
      intent,
      accepted.coalesced
        ? `Joined the ${target} build already waiting to run.`
        : `Publishing to ${target}: the build is queued.`,
    );
  }

  if (intent === "unpublish") {
    const res = await siteApi.unpublish.$post({ param, json: {} });
    if (!res.ok) return failForm(res, request, { intent, labels: {} });
    return done(intent, "The live site was taken down. The preview stays.");
  }

  if (intent === "rollback") {
    const deployId = String(form.get("deployId") ?? "");
    const parsed = rollbackBody.safeParse({ target: form.get("target"), deployId });
    if (!parsed.success) {
      return formFailure({
        intent,
        target: deployId,
        fieldErrors: {},
        formError: "This deploy cannot be chosen.",
      });
    }
    const res = await siteApi.rollback.$post({ param, json: parsed.data });
    if (!res.ok) return failForm(res, request, { intent, target: deployId, labels: {} });
    return done(
      intent,
      `The ${parsed.data.target} site serves deploy ${deployId.replace(/^dep_/, "").slice(0, 8)} again.`,
    );
  }

  if (intent === "schedule") {
    const values = echo(form, ["action", "runAt"]);
    const parsed = parseForm(scheduleForm, form);
    if (!parsed.ok) return formFailure({ intent, fieldErrors: parsed.fieldErrors, values });
    const res = await siteApi.schedules.$post({ param, json: parsed.data });
    if (!res.ok) return failForm(res, request, { intent, labels: scheduleForm.labels, values });
    const created = await res.json();
    const what = created.action === "publish" ? "A live publish" : "An unpublish";
    return done(
      intent,
      `${what} is scheduled for ${created.runAt.slice(0, 16).replace("T", " ")} UTC.`,
    );
  }

  if (intent === "cancel-schedule") {
    const scheduleId = String(form.get("scheduleId") ?? "");
    const res = await siteApi.schedules[":scheduleId"].$delete({ param: { ...param, scheduleId } });
    if (!res.ok) return failForm(res, request, { intent, target: scheduleId, labels: {} });
    return done(intent, "The scheduled action was cancelled.");
  }

  if (intent === "share-preview") {
    const values = echo(form, ["expiresInHours"]);
    const parsed = parseForm(previewLinkForm, form);
    if (!parsed.ok) return formFailure({ intent, fieldErrors: parsed.fieldErrors, values });
    const res = await siteApi["preview-links"].$post({ param, json: parsed.data });
    if (!res.ok) return failForm(res, request, { intent, labels: previewLinkForm.labels, values });
    const link = await res.json();
    return done(intent, "A preview link was made.", { previewLink: link });
  }

  return formFailure({ intent: "unknown", fieldErrors: {}, formError: "Unknown action." });
}
