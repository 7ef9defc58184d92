// What every route's ErrorBoundary shows: a plain explanation, never internals; the request id
// (when the API gave one) so a report can be traced.
import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import type { Problem } from "#schemas/common";

const byStatus: Record<number, { title: string; message: string }> = {
  400: { title: "This request is not valid", message: "Check the address and try again." },
  403: { title: "Not allowed", message: "Your role does not allow this." },
  404: {
    title: "Not found",
    message: "This page does not exist, or you do not have access to it.",
  },
  405: { title: "Not allowed", message: "This page cannot do that." },
  410: { title: "No longer available", message: "This link can no longer be used." },
  429: { title: "Too many requests", message: "Wait a little and try again." },
};

type Overrides = Partial<Record<number, string>>;

function describe(error: unknown, titles: Overrides = {}) {
  if (isRouteErrorResponse(error)) {
    const problem = (error.data as { problem?: Problem } | undefined)?.problem;
    const known = byStatus[error.status];
    const title = titles[error.status];
    const message = typeof error.data === "string" && error.data ? error.data : undefined;
    return {
      status: error.status,
      title: title ?? known?.title ?? "Something went wrong",
      message: problem?.detail ?? message ?? known?.message ?? "Try again in a moment.",
      requestId: problem?.requestId,
    };
  }
  return {
    status: 500,
    title: "Something went wrong",
    message: "Try again in a moment. If it keeps happening, tell your administrator.",
    requestId: undefined,
  };
}

/** `titles` replaces the heading for a status where the route knows better (e.g. 410). */
export function RouteError({ home = "/", titles }: { home?: string; titles?: Overrides }) {
  const error = useRouteError();
  const { status, title, message, requestId } = describe(error, titles);
  if (!isRouteErrorResponse(error)) console.error(error);
  return (
    <section className="error-view" aria-labelledby="error-title">
      <p className="eyebrow">Error {status}</p>
      <h1 id="error-title">{title}</h1>
      <p>{message}</p>
      {requestId ? (
        <p className="muted">
          Reference: <code>{requestId}</code>
        </p>
      ) : null}
      <p>
        <Link to={home}>Go to the start page</Link>
      </p>
    </section>
  );
}

/** Titles for a route's `meta` when the route failed. */
export function errorTitle(error: unknown, titles?: Overrides): string {
  return describe(error, titles).title;
}
