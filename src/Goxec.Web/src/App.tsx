import { lazy, Suspense, useEffect, type MouseEvent } from "react";
import { Dashboard } from "./dashboard/Dashboard";
import { navigate, useRoute } from "./hooks/useRoute";

// Monaco and xterm are most of the bundle: the dashboard does not wait for them.
const IdePage = lazy(() => import("./ide/IdePage").then((m) => ({ default: m.IdePage })));

export function App() {
  const route = useRoute();
  useEffect(() => {
    document.title = route.page === "dashboard" ? "Goxec — Dashboard" : "Goxec";
  }, [route.page]);

  // Links marked data-route navigate in-page; modified clicks (new tab, etc.) behave as usual.
  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element).closest("a[data-route]");
    if (!(link instanceof HTMLAnchorElement)) return;
    event.preventDefault();
    navigate(link.pathname);
  };

  return (
    <div className="app" onClick={onClick}>
      <Suspense fallback={<div className="loading">Loading the editor…</div>}>
        {route.page === "dashboard" ? <Dashboard /> : <IdePage jobId={route.jobId} />}
      </Suspense>
    </div>
  );
}
