import { useEffect, useState } from "react";
import { api, type Limits, type LimitsInfo } from "../api";

/** Used when the server has no /limits endpoint; the editor is hidden then and no limits are sent. */
export const fallbackLimits: Limits = {
  cpuTimeMs: 2000,
  wallTimeMs: 5000,
  memoryMb: 256,
  maxProcesses: 64,
  maxOutputBytes: 1024 * 1024,
  maxFileSizeKb: 16 * 1024,
};

export type LimitsState = { info: LimitsInfo | null; loading: boolean };

export function useLimits(): LimitsState {
  const [state, setState] = useState<LimitsState>({ info: null, loading: true });
  useEffect(() => {
    const abort = new AbortController();
    api
      .limits(abort.signal)
      .then((info) => setState({ info, loading: false }))
      .catch(() => {
        if (!abort.signal.aborted) setState({ info: null, loading: false });
      });
    return () => abort.abort();
  }, []);
  return state;
}

/** Keeps each limit a whole number between 1 and the server's maximum. */
export function clampLimits(limits: Limits, maxima: Limits): Limits {
  const clamp = (value: number, max: number) => Math.min(Math.max(1, Math.round(Number.isFinite(value) ? value : 1)), max);
  return {
    cpuTimeMs: clamp(limits.cpuTimeMs, maxima.cpuTimeMs),
    wallTimeMs: clamp(limits.wallTimeMs, maxima.wallTimeMs),
    memoryMb: clamp(limits.memoryMb, maxima.memoryMb),
    maxProcesses: clamp(limits.maxProcesses, maxima.maxProcesses),
    maxOutputBytes: clamp(limits.maxOutputBytes, maxima.maxOutputBytes),
    maxFileSizeKb: clamp(limits.maxFileSizeKb, maxima.maxFileSizeKb),
  };
}
