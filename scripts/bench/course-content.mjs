// A made-up physics course (8.01-like) for the content API benchmark: resources, pages with
// markdown bodies and resource_link shortcodes, the course metadata and the navigation menu,
// shaped like the built-in course starter (workers/domain/builtin-starters/course.yaml).
//
// Generated from a seeded PRNG, so every run sends the same sizes and words and runs compare.

/** mulberry32: tiny, fast, good enough to pick words; not for anything secret. */
export function seededRandom(seed = 801) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @template T @param {() => number} rng @param {readonly T[]} list @returns {T} */
export const pick = (rng, list) => /** @type {T} */ (list[Math.floor(rng() * list.length)]);

const TOPICS = [
  "Kinematics",
  "Newton's Laws",
  "Circular Motion",
  "Work and Energy",
  "Momentum",
  "Collisions",
  "Rotational Dynamics",
  "Angular Momentum",
  "Gravitation",
  "Oscillations",
  "Fluids",
  "Waves",
  "Thermodynamics",
  "Special Relativity",
];
/** `lrt`: one of the starter's learning_resource_types (OCW's list), or none. */
const RESOURCE_KINDS = [
  { type: "Document", label: "Lecture Notes", file: "pdf", lrt: "Lecture Notes" },
  { type: "Document", label: "Problem Set", file: "pdf", lrt: "Problem Sets" },
  { type: "Document", label: "Solutions", file: "pdf", lrt: "Problem Set Solutions" },
  { type: "Document", label: "Exam", file: "pdf", lrt: "Exams" },
  { type: "Video", label: "Lecture Video", file: "mp4", lrt: "Lecture Videos" },
  { type: "Image", label: "Figure", file: "png", lrt: "Image Gallery" },
  { type: "Other", label: "Captions", file: "vtt", lrt: null },
];
/**
 * Words of the bodies and descriptions. A few are common (in most items), most are rare, and
 * the search phase also asks for one that appears nowhere, which makes the database look at
 * every row.
 */
const WORDS = (
  "the a of and to in is that for with as on by this we an at from be are it which " +
  "velocity acceleration force mass energy momentum torque inertia friction gravity " +
  "pendulum spring oscillator amplitude frequency period wavelength resonance damping " +
  "vector scalar displacement trajectory projectile orbit satellite planet collision " +
  "elastic inelastic conservation impulse tension normal incline pulley lever equilibrium " +
  "centripetal tangential angular radius rotation axis moment rigid body fluid pressure " +
  "buoyancy viscosity density temperature entropy heat engine efficiency relativity " +
  "observer frame dilation contraction experiment measurement uncertainty derivation " +
  "integral differential equation solution approximation limit graph slope area"
).split(" ");
/** Title words (`q=`), and body words of several frequencies plus one that is absent (`text=`). */
export const SEARCH_WORDS = {
  title: ["momentum", "lecture", "problem", "oscillations", "figure", "unit 7", "notes"],
  text: ["pendulum", "centripetal", "entropy", "resonance", "buoyancy", "xylophone"],
};

/** @param {() => number} rng @param {number} min @param {number} max */
const between = (rng, min, max) => min + Math.floor(rng() * (max - min + 1));

/** @param {() => number} rng */
function sentence(rng) {
  const words = Array.from({ length: between(rng, 8, 18) }, () => pick(rng, WORDS));
  const s = words.join(" ");
  return `${s[0]?.toUpperCase()}${s.slice(1)}.`;
}

/** @param {() => number} rng @param {number} sentences */
const paragraph = (rng, sentences) =>
  Array.from({ length: sentences }, () => sentence(rng)).join(" ");

/**
 * How a site of `items` items is made up: ~70% resources, two singletons (metadata, menu),
 * the rest pages — 1,400 / 598 / 2 for 2,000.
 * @param {number} items
 */
export function itemPlan(items) {
  const resources = Math.round(items * 0.7);
  return { resources, pages: items - resources - 2, singletons: 2 };
}

/**
 * The body of POST …/content for the i-th resource.
 * @param {() => number} rng
 * @param {number} i
 */
export function resourceCreate(rng, i) {
  const kind = /** @type {(typeof RESOURCE_KINDS)[number]} */ (
    RESOURCE_KINDS[i % RESOURCE_KINDS.length]
  );
  const topic = pick(rng, TOPICS);
  const n = i + 1;
  return {
    collection: "resource",
    fields: {
      title: `${kind.label} ${n}: ${topic}`,
      resourcetype: kind.type,
      file: `/media/8-01/${kind.label.toLowerCase().replaceAll(" ", "-")}-${n}.${kind.file}`,
      description: paragraph(rng, between(rng, 1, 3)),
      ...(kind.lrt ? { learning_resource_types: [kind.lrt] } : {}),
      license: "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    },
  };
}

/**
 * A page body of 1–5 KB: headings, paragraphs, a list, an equation and a few resource links.
 * @param {() => number} rng
 * @param {readonly string[]} resourceUids resources that exist, for the shortcodes
 */
export function pageMarkdown(rng, resourceUids) {
  const target = between(rng, 1024, 5120);
  let markdown = paragraph(rng, between(rng, 2, 4));
  let links = 0;
  while (markdown.length < target) {
    const roll = rng();
    let part;
    if (roll < 0.15) part = `## ${pick(rng, TOPICS)}`;
    else if (roll < 0.3 && resourceUids.length > 0 && links < 5) {
      links++;
      const uid = pick(rng, resourceUids);
      part = `See {{% resource_link "${uid}" "${pick(rng, TOPICS)} notes" %}} for details.`;
    } else if (roll < 0.4) {
      part = Array.from({ length: between(rng, 3, 5) }, () => `- ${sentence(rng)}`).join("\n");
    } else if (roll < 0.45) part = "$$ F = \\frac{dp}{dt} = m a $$";
    else part = paragraph(rng, between(rng, 2, 5));
    // Whole blocks only (a cut shortcode would be a broken page), never past 5 KB.
    if (markdown.length + 2 + part.length > 5120) break;
    markdown += `\n\n${part}`;
  }
  return markdown;
}

/**
 * The body of POST …/content for the i-th page.
 * @param {() => number} rng
 * @param {number} i
 * @param {readonly string[]} resourceUids
 */
export function pageCreate(rng, i, resourceUids) {
  const unit = Math.floor(i / 10) + 1;
  return {
    collection: "page",
    fields: {
      title: `Unit ${unit}.${(i % 10) + 1}: ${pick(rng, TOPICS)}`,
      description: sentence(rng),
    },
    body: pageMarkdown(rng, resourceUids),
  };
}

/** @param {string | undefined} imageUid an Image resource for the course image */
export function metadataCreate(imageUid) {
  return {
    collection: "metadata",
    filename: "sitemetadata",
    fields: {
      course_title: "Classical Mechanics",
      course_description: "An introduction to Newtonian mechanics, fluids and waves.",
      primary_course_number: "8.01",
      term: "Fall",
      year: "2026",
      level: ["Undergraduate"],
      department_numbers: ["8"],
      topics: [["Science", "Physics", "Classical Mechanics"]],
      ...(imageUid ? { course_image: imageUid } : {}),
    },
  };
}

/**
 * The navigation menu: up to 40 pages, every fifth one a section heading the next four hang
 * under.
 * @param {readonly { uid: string, title: string }[]} pages
 */
export function menuCreate(pages) {
  /** @type {{ identifier: string, name: string, weight: number, parent?: string }[]} */
  const leftnav = [];
  let section = "";
  for (const [i, p] of pages.slice(0, 40).entries()) {
    const entry = { identifier: p.uid, name: p.title, weight: (i + 1) * 10 };
    if (i % 5 === 0) section = p.uid;
    else Object.assign(entry, { parent: section });
    leftnav.push(entry);
  }
  return { collection: "menu", filename: "navmenu", fields: { leftnav } };
}

/**
 * An editor's change to an item read from the API: a page's body gets its first paragraph
 * rewritten (so bodies keep their size over many writes), a resource a new description.
 * @param {() => number} rng
 * @param {{ collection: string, body: string }} item
 */
export function editOf(rng, item) {
  if (item.collection === "page") {
    const [, ...rest] = item.body.split("\n\n");
    return { body: [paragraph(rng, between(rng, 2, 4)), ...rest].join("\n\n") };
  }
  return { fields: { description: paragraph(rng, between(rng, 1, 3)) } };
}
