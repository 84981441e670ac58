import { useEffect, useState } from "react";
import { api, type Language } from "../api";
import { describeError, type Notice } from "../lib/problems";

export type LanguagesState = { languages: Language[]; loading: boolean; error: Notice | null };

export function useLanguages(): LanguagesState {
  const [state, setState] = useState<LanguagesState>({ languages: [], loading: true, error: null });
  useEffect(() => {
    const abort = new AbortController();
    api
      .languages(abort.signal)
      .then((languages) => setState({ languages: Array.isArray(languages) ? languages : [], loading: false, error: null }))
      .catch((error: unknown) => {
        if (!abort.signal.aborted) setState({ languages: [], loading: false, error: describeError(error) });
      });
    return () => abort.abort();
  }, []);
  return state;
}
