import { useCallback, useSyncExternalStore } from "react";

const key = "goxec.adminKey";
const listeners = new Set<() => void>();
let inMemory = ""; // when sessionStorage is disabled, the key lives only as long as the page

function read(): string {
  try {
    return sessionStorage.getItem(key) ?? "";
  } catch {
    return inMemory;
  }
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * The operator's admin key: this tab only (sessionStorage), never localStorage. One value for the whole page, so the
 * stats, the dead letters and the key form all see a change at once.
 */
export function useAdminKey(): [string, (value: string) => void] {
  const value = useSyncExternalStore(subscribe, read, () => "");
  const update = useCallback((next: string) => {
    const trimmed = next.trim();
    try {
      if (trimmed) sessionStorage.setItem(key, trimmed);
      else sessionStorage.removeItem(key);
    } catch {
      inMemory = trimmed;
    }
    for (const listener of listeners) listener();
  }, []);
  return [value, update];
}
