// The item editors' search (relation pickers, menu entries, "Insert link"): a JSON route the
// browser calls while someone types; the API answers with the caller's own permissions.
export { loader } from "./content-search.server.ts";
