// The search page's script (layouts/index.search.html): runs the query in ?q= and what is typed
// against the Pagefind index the builder writes into the site (builder/src/search-index.ts), and
// lists the pages found. Loaded by the search page only.
//
// Where things are: this file is published as <site>/js/search.min.<hash>.js, so the site's root
// is "../" from it, and the index is the folder its data-index attribute names, under the root.
// Pagefind gives result URLs from the site's root ("/pages/syllabus/"), resolved against it here,
// so the same code serves a site at any path and the offline copy in any folder.
//
// Offline (file://) browsers refuse fetch(), module scripts and workers from the disk, so the
// offline copy carries the index as one classic script instead (window.lecternSearchBundle:
// Pagefind's module as text, its files as base64). Pagefind is then imported from a blob: URL,
// on the main thread, and its fetches for index files are answered from the bundle.
(() => {
  const script = document.currentScript;
  const form = document.querySelector(".search-form");
  const input = document.getElementById("search-query");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  if (!script || !form || !input || !status || !list) return;

  const PAGE_SIZE = 10;
  const root = new URL("../", script.src);
  const indexDir = new URL(script.dataset.index || "pagefind/", root);
  let pagefindPromise = null;
  /** Counts queries, so an answer that arrives after a newer query started is dropped. */
  let generation = 0;
  let timer = 0;
  let moreButton = null;

  status.textContent = "";

  function decodeBase64(text) {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  /** Answers Pagefind's requests for files under the index folder from the offline bundle. */
  function serveFromBundle(files) {
    const base = indexDir.href;
    const networkFetch = window.fetch.bind(window);
    window.fetch = (resource, init) => {
      const href = typeof resource === "string" ? resource : resource.url || String(resource);
      const url = new URL(href, location.href);
      url.search = "";
      url.hash = "";
      if (!url.href.startsWith(base)) return networkFetch(resource, init);
      const data = files[decodeURIComponent(url.href.slice(base.length))];
      if (data === undefined) return Promise.resolve(new Response(null, { status: 404 }));
      return Promise.resolve(new Response(decodeBase64(data), { status: 200 }));
    };
  }

  function loadPagefind() {
    if (pagefindPromise) return pagefindPromise;
    pagefindPromise = (async () => {
      const bundle = window.lecternSearchBundle;
      let pagefind;
      if (bundle) {
        serveFromBundle(bundle.files);
        const blob = new Blob([bundle.script], { type: "text/javascript" });
        pagefind = await import(URL.createObjectURL(blob));
        await pagefind.options({ basePath: indexDir.href, baseUrl: "/", noWorker: true });
      } else {
        pagefind = await import(new URL("pagefind.js", indexDir).href);
        await pagefind.options({ baseUrl: "/" });
      }
      await pagefind.init();
      return pagefind;
    })();
    return pagefindPromise;
  }

  /** Pagefind's excerpt marks matches with <mark> and escapes the page's text ("&lt;"). */
  function excerptNodes(excerpt) {
    const nodes = [];
    const decode = (text) =>
      text.replace(/&(lt|gt|quot|#39|amp);/g, (_, name) => {
        return { lt: "<", gt: ">", quot: '"', "#39": "'", amp: "&" }[name];
      });
    const parts = String(excerpt || "").split(/<mark>|<\/mark>/);
    parts.forEach((part, i) => {
      if (!part) return;
      if (i % 2 === 1) {
        const mark = document.createElement("mark");
        mark.textContent = decode(part);
        nodes.push(mark);
      } else {
        nodes.push(document.createTextNode(decode(part)));
      }
    });
    return nodes;
  }

  function resultItem(data) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = new URL(String(data.url).replace(/^\//, ""), root).href;
    link.textContent = data.meta?.title || data.url;
    const heading = document.createElement("h2");
    heading.appendChild(link);
    const excerpt = document.createElement("p");
    excerpt.className = "search-excerpt";
    excerpt.append(...excerptNodes(data.excerpt));
    item.append(heading, excerpt);
    return item;
  }

  /** The data (URL, title, excerpt) of the results from `from` on, a page of them. */
  function pageOf(results, from) {
    return Promise.all(results.slice(from, from + PAGE_SIZE).map((result) => result.data()));
  }

  function render(results, page, from, current) {
    for (const data of page) list.appendChild(resultItem(data));
    if (moreButton) moreButton.remove();
    moreButton = null;
    const shown = from + page.length;
    if (shown >= results.length) return;
    moreButton = document.createElement("button");
    moreButton.type = "button";
    moreButton.className = "search-more";
    moreButton.textContent = `Show more results (${results.length - shown} more)`;
    moreButton.addEventListener("click", () => {
      pageOf(results, shown)
        .then((next) => {
          if (current === generation) render(results, next, shown, current);
        })
        .catch(failed);
    });
    list.after(moreButton);
  }

  function clear() {
    list.replaceChildren();
    if (moreButton) moreButton.remove();
    moreButton = null;
  }

  function failed(error) {
    console.error("search:", error);
    clear();
    status.textContent = "Search could not be loaded. The course menu lists every page.";
  }

  async function search(query) {
    const current = ++generation;
    const term = query.trim();
    if (!term) {
      clear();
      status.textContent = "";
      return;
    }
    status.textContent = "Searching…";
    const pagefind = await loadPagefind();
    const found = await pagefind.search(term);
    if (current !== generation) return;
    // The first results' data before anything changes, so the list and the count change at once.
    const first = await pageOf(found.results, 0);
    if (current !== generation) return;
    clear();
    const count = found.results.length;
    status.textContent =
      count === 0
        ? `No pages found for “${term}”.`
        : `${count} ${count === 1 ? "page" : "pages"} found for “${term}”.`;
    render(found.results, first, 0, current);
  }

  /** Keeps ?q= in the address, so a search can be bookmarked and survives going back. */
  function remember(query) {
    const url = new URL(location.href);
    if (query.trim()) url.searchParams.set("q", query.trim());
    else url.searchParams.delete("q");
    try {
      history.replaceState(null, "", url.href);
    } catch {
      // Some browsers refuse this for file:// pages; the search works without it.
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    remember(input.value);
    search(input.value).catch(failed);
  });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      remember(input.value);
      search(input.value).catch(failed);
    }, 250);
  });

  const initial = new URLSearchParams(location.search).get("q") || "";
  input.value = initial;
  if (initial.trim()) search(initial).catch(failed);
  else loadPagefind().catch(failed);
})();
