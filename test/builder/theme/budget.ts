// The theme's weight on a built site (gzip): one implementation, shared with the publish
// benchmark (`npm run bench -- --suite publish`), which reports it per build.
export { type ThemeBudget, themeBudget } from "../../../scripts/bench/theme-budget.mjs";
