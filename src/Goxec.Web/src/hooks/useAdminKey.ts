import { useCallback, useState } from "react";

const key = "goxec.adminKey";

/** The operator's admin key: this tab only (sessionStorage), never localStorage. */
export function useAdminKey(): [string, (value: string) => void] {
  const [value, setValue] = useState(() => {
    try {
      return sessionStorage.getItem(key) ?? "";
    } catch {
      return "";
    }
  });
  const update = useCallback((next: string) => {
    const trimmed = next.trim();
    try {
      if (trimmed) sessionStorage.setItem(key, trimmed);
      else sessionStorage.removeItem(key);
    } catch {
      // Storage disabled: the key lives only as long as the page.
    }
    setValue(trimmed);
  }, []);
  return [value, update];
}
