import { useCallback, useState } from "react";

const prefix = "goxec.code.";

/** Storage that may be missing or full (private windows, quotas): failures only cost persistence. */
export function readCode(storage: Storage | undefined, languageId: string): string | null {
  try {
    return storage?.getItem(prefix + languageId) ?? null;
  } catch {
    return null;
  }
}

export function writeCode(storage: Storage | undefined, languageId: string, code: string, template: string): void {
  try {
    // Code equal to the template is not worth keeping: a newer template should show through.
    if (code === template) storage?.removeItem(prefix + languageId);
    else storage?.setItem(prefix + languageId, code);
  } catch {
    // Quota exceeded or storage disabled.
  }
}

function localStore(): Storage | undefined {
  return typeof window === "undefined" ? undefined : window.localStorage;
}

export type PersistentCode = {
  code: string;
  /** A user edit: kept for this language across reloads. */
  setCode: (code: string) => void;
  /** Shows code for a language without saving it (a shared job must not overwrite the user's draft). */
  showCode: (languageId: string, code: string) => void;
};

/** The editor's text for a language: what was last shown or typed, else the saved draft, else the template. */
export function usePersistentCode(languageId: string, template: string, storage: Storage | undefined = localStore()): PersistentCode {
  const [shown, setShown] = useState<{ languageId: string; code: string } | null>(null);
  const code = shown?.languageId === languageId ? shown.code : (readCode(storage, languageId) ?? template);

  const setCode = useCallback(
    (next: string) => {
      writeCode(storage, languageId, next, template);
      setShown({ languageId, code: next });
    },
    [storage, languageId, template],
  );
  const showCode = useCallback((forLanguage: string, next: string) => setShown({ languageId: forLanguage, code: next }), []);
  return { code, setCode, showCode };
}
