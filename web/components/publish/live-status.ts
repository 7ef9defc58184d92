// Keeps the publish panel's status current without a reload: the site's publish events over a
// WebSocket (the SitePublisher sends the whole status on connect and on every change), or,
// when the socket cannot be opened or drops, GET /publish every few seconds. The loader's
// status is the first render, so the page is complete before (and without) JavaScript.
import { useEffect, useRef, useState } from "react";
import { useRevalidator } from "react-router";
import { type PublishStatus, publishEvent, publishStatus } from "#schemas/publish";

export const POLL_MS = 3_000;

export type Connection = "static" | "live" | "polling";

function statusPath(tenantId: string, siteId: string) {
  return `/api/v1/tenants/${encodeURIComponent(tenantId)}/sites/${encodeURIComponent(siteId)}/publish`;
}

/** ws: or wss: on the page's own host (the API checks the Origin of a cookie-borne socket). */
export function eventsUrl(location: Location, tenantId: string, siteId: string): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${statusPath(tenantId, siteId)}/events`;
}

/** Identifies what the status says is running, to notice when a build ends. */
const runningKey = (s: PublishStatus) => s.current?.id ?? "";

export function useLivePublishStatus(
  initial: PublishStatus,
  tenantId: string,
  siteId: string,
): { status: PublishStatus; connection: Connection } {
  const [status, setStatus] = useState(initial);
  const [connection, setConnection] = useState<Connection>("static");
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const running = useRef(runningKey(initial));

  // After an action the loader runs again; its answer is at least as new as ours.
  useEffect(() => {
    setStatus(initial);
    running.current = runningKey(initial);
  }, [initial]);

  useEffect(() => {
    let stopped = false;
    let socket: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const accept = (next: PublishStatus) => {
      if (stopped) return;
      setStatus(next);
      const key = runningKey(next);
      // A build started or ended: the deploy history (loader data) changed too.
      if (key !== running.current) {
        running.current = key;
        revalidate.current();
      }
    };

    const poll = async () => {
      try {
        const res = await fetch(statusPath(tenantId, siteId), {
          headers: { accept: "application/json" },
          credentials: "same-origin",
        });
        if (res.ok) {
          const parsed = publishStatus.safeParse(await res.json());
          if (parsed.success) accept(parsed.data);
        }
      } catch {
        // Offline for a moment: the next poll tries again.
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    };

    const fallBack = () => {
      if (stopped || timer !== undefined) return;
      setConnection("polling");
      void poll();
    };

    try {
      socket = new WebSocket(eventsUrl(window.location, tenantId, siteId));
      socket.addEventListener("open", () => {
        if (!stopped) setConnection("live");
      });
      socket.addEventListener("message", (event) => {
        if (typeof event.data !== "string") return;
        let body: unknown;
        try {
          body = JSON.parse(event.data);
        } catch {
          return;
        }
        const parsed = publishEvent.safeParse(body);
        if (parsed.success) accept(parsed.data.status);
      });
      socket.addEventListener("error", fallBack);
      socket.addEventListener("close", fallBack);
    } catch {
      fallBack();
    }

    return () => {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
    };
  }, [tenantId, siteId]);

  return { status, connection };
}
