// Loader only: it redirects to the preview site, or shows why it cannot.
import { RouteError } from "../components/route-error.tsx";

export { loader } from "./preview-access.server.ts";

export default function PreviewAccess() {
  return null;
}

export function ErrorBoundary() {
  return <RouteError />;
}
