import { useEffect, useRef, useState } from "react";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useLocation } from "react-router";
import type { Route } from "./+types/root";
import stylesheet from "./app.css?url";
import { PublicFrame } from "./components/public-frame.tsx";
import { errorTitle, RouteError } from "./components/route-error.tsx";
import { pageTitle } from "./lib/format.ts";
import "./lib/load-context.ts";

// Inline, so the browser makes no request for /favicon.ico.
const icon =
  "data:image/svg+xml," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="5" fill="#285a8a"/><path d="M4.5 7C6.5 5.8 9 5.8 12 7.5c3-1.7 5.5-1.7 7.5-.5v10.5c-2-1.2-4.5-1.2-7.5.5-3-1.7-5.5-1.7-7.5-.5z" fill="#fff"/></svg>',
  );

export const links: Route.LinksFunction = () => [
  { rel: "icon", href: icon, type: "image/svg+xml" },
  { rel: "stylesheet", href: stylesheet },
];

export function Layout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to main content
        </a>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

/** After client-side navigation, tells screen readers which page they are on now. */
function RouteAnnouncer() {
  const { pathname } = useLocation();
  const last = useRef<string | null>(null);
  const [message, setMessage] = useState("");
  useEffect(() => {
    if (last.current === pathname) return;
    const initial = last.current === null;
    last.current = pathname;
    if (initial) return;
    const timer = setTimeout(() => setMessage(document.title), 100);
    return () => clearTimeout(timer);
  }, [pathname]);
  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true">
      {message}
    </div>
  );
}

export default function App() {
  return (
    <>
      <Outlet />
      <RouteAnnouncer />
    </>
  );
}

export const meta: Route.MetaFunction = ({ error }) => pageTitle(error ? errorTitle(error) : null);

export function ErrorBoundary() {
  return (
    <PublicFrame>
      <RouteError />
    </PublicFrame>
  );
}
