// Renders the page's formulas with KaTeX (loaded before this script, on pages with math only).
// Each formula is a .math element holding its TeX source with its delimiters, written by
// layouts/partials/lectern/content.html; a formula KaTeX cannot parse stays as its source.
(() => {
  const katex = window.katex;
  if (!katex) return;
  for (const el of document.querySelectorAll(".math")) {
    const source = el.textContent || "";
    const tex = source.replace(/^\s*(\\\(|\\\[|\$\$)/, "").replace(/(\\\)|\\\]|\$\$)\s*$/, "");
    try {
      katex.render(tex, el, {
        displayMode: el.classList.contains("math-display"),
        throwOnError: false,
      });
    } catch {
      el.textContent = source;
    }
  }
})();
