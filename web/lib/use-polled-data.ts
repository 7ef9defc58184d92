import { useEffect, useRef, useState } from "react";
import { useFetcher, useLocation } from "react-router";

/**
 * Keeps part of a page's loader data current while `isActive` says it may still change (e.g.
 * while a rebuild runs): every few seconds a fetcher loads the page's own loader again, and the
 * newest of that and the page's data is returned. A fetcher, not `revalidate()`: revalidating
 * drops the last action's answer, and with it anything shown once (an invitation link). It
 * stops by itself once fresh data says nothing is active; hidden tabs skip their turn. Without
 * JavaScript the page offers a plain "Refresh" link instead.
 */
export function usePolledData<T>(
  current: T,
  pick: (loaderData: unknown) => T | undefined,
  isActive: (value: T) => boolean,
  everyMs = 3_000,
): T {
  const fetcher = useFetcher();
  const { pathname, search } = useLocation();
  const [value, setValue] = useState(current);
  const latest = useRef({ fetcher, pick });
  latest.current = { fetcher, pick };

  // The page's loader ran (after an action, a navigation): its answer is the newest.
  useEffect(() => setValue(current), [current]);

  useEffect(() => {
    if (fetcher.data === undefined) return;
    const next = latest.current.pick(fetcher.data);
    if (next !== undefined) setValue(next);
  }, [fetcher.data]);

  const active = isActive(value);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      const f = latest.current.fetcher;
      if (f.state === "idle" && document.visibilityState === "visible") {
        void f.load(`${pathname}${search}`);
      }
    }, everyMs);
    return () => clearInterval(timer);
  }, [active, pathname, search, everyMs]);

  return value;
}
