import { useCallback, useEffect, useState } from "react";

export type Route = { page: "ide"; jobId: string | null } | { page: "dashboard" };

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, "") || "/";
  if (path === "/dashboard") return { page: "dashboard" };
  const job = /^\/jobs\/([A-Za-z0-9_-]+)$/.exec(path);
  return { page: "ide", jobId: job ? job[1] : null };
}

const routeEvent = "goxec:navigate";

/** Client-side navigation: pushState, then tell every useRoute. `replace` keeps history short. */
export function navigate(path: string, replace = false): void {
  if (window.location.pathname === path) return;
  if (replace) window.history.replaceState(null, "", path);
  else window.history.pushState(null, "", path);
  window.dispatchEvent(new Event(routeEvent));
}

export function useRoute(): Route {
  const read = useCallback(() => parseRoute(window.location.pathname), []);
  const [route, setRoute] = useState<Route>(read);
  useEffect(() => {
    const update = () => setRoute(read());
    window.addEventListener("popstate", update);
    window.addEventListener(routeEvent, update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener(routeEvent, update);
    };
  }, [read]);
  return route;
}
