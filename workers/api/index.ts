// Entry for Worker tests (vitest-pool-workers cannot resolve React Router's virtual module):
// the same routing as the real entry (workers/worker.ts) without the UI, and everything the
// Worker exports besides fetch.
import { createWorker } from "../worker.ts";

export { MediaPipeline, SitePublisher } from "../worker.ts";

export default createWorker();
