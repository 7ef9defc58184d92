// The "create" measurement: a course site filled through the API by concurrent clients, as an
// import tool or a busy editing team would. Resources come first so that pages can link to
// resources that exist; the metadata singleton (its course image is a resource) follows the
// pages, and the menu, which names pages, is created last once they all exist.
import {
  itemPlan,
  menuCreate,
  metadataCreate,
  pageCreate,
  resourceCreate,
  seededRandom,
} from "./course-content.mjs";
import { outcomeOf, runLoad } from "./load.mjs";

/**
 * @typedef {ReturnType<typeof import("./load.mjs").apiClient>} Api
 * @typedef {{ uid: string, collection: string, title: string, resourcetype: string | null }} Created
 */

/**
 * Creates the site from the built-in course starter.
 * @param {Api} api
 * @param {string} tenantId
 * @returns {Promise<string>} the site id
 */
export async function createCourseSite(api, tenantId) {
  const res = await api.request("POST", `/tenants/${tenantId}/sites`, {
    json: { title: `Benchmark ${new Date().toISOString()}`, starterId: "course" },
  });
  if (res.status !== 201) throw new Error(`Creating the site failed: ${res.status} ${res.text}`);
  return JSON.parse(res.text).id;
}

/**
 * @param {Api} api
 * @param {string} contentPath /tenants/{t}/sites/{s}/content
 * @param {{ items: number, concurrency: number }} options
 */
export async function generateSite(api, contentPath, { items, concurrency }) {
  const plan = itemPlan(items);
  const rng = seededRandom(801);
  /** @type {Created[]} */
  const created = [];
  const resourceUids = () => created.filter((c) => c.collection === "resource").map((c) => c.uid);

  /** @param {unknown} body */
  const post = async (body) => {
    const res = await api.request("POST", contentPath, { json: body });
    if (res.status === 201) {
      const item = JSON.parse(res.text);
      created.push({
        uid: item.uid,
        collection: item.collection,
        title: item.title,
        resourcetype: item.resourcetype,
      });
    }
    return { ms: res.ms, outcome: outcomeOf(res.status), status: res.status, detail: res.text };
  };

  const main = await runLoad({
    concurrency,
    count: plan.resources + plan.pages + 1,
    op: (i) => {
      if (i < plan.resources) return post(resourceCreate(rng, i));
      if (i < plan.resources + plan.pages) {
        return post(pageCreate(rng, i - plan.resources, resourceUids()));
      }
      const image = created.find((c) => c.resourcetype === "Image");
      return post(metadataCreate(image?.uid));
    },
  });
  const pages = created.filter((c) => c.collection === "page");
  const menu = await runLoad({ concurrency: 1, count: 1, op: () => post(menuCreate(pages)) });
  return {
    samples: [...main.samples, ...menu.samples],
    wallMs: main.wallMs + menu.wallMs,
    errorDetails: [...main.errorDetails, ...menu.errorDetails],
    plan,
    created,
  };
}
