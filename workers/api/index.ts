// Entry for Worker tests (vitest-pool-workers cannot resolve React Router's virtual module):
// the same API the real entry mounts, plus everything the Worker exports besides fetch.
import { api } from "./app.ts";

export default {
  fetch: (request, env, ctx) => api.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
