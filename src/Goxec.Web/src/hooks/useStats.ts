import { useEffect, useState } from "react";
import { api, type Stats } from "../api";
import { describeError, type Notice } from "../lib/problems";

export type QueueSample = { t: number; length: number; lag: number };

export type StatsState = {
  stats: Stats | null;
  /** Queue length and lag as this page saw them, newest last (the server keeps no history of them). */
  history: QueueSample[];
  error: Notice | null;
  updatedAt: number | null;
};

const historyLimit = 150; // five minutes at one sample every two seconds

export function appendSample(history: QueueSample[], sample: QueueSample, limit = historyLimit): QueueSample[] {
  const next = [...history, sample];
  return next.length > limit ? next.slice(next.length - limit) : next;
}

/**
 * Polls GET /api/v1/stats (with the admin key when one is set: a deployment keeps stats for the operator); one request
 * at a time, the next one `intervalMs` after the last answer.
 */
export function useStats(intervalMs = 2000, adminKey: string | null = null): StatsState {
  const [state, setState] = useState<StatsState>({ stats: null, history: [], error: null, updatedAt: null });
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const stats = await api.stats(adminKey, abort.signal);
        const now = Date.now();
        setState((previous) => ({
          stats,
          history: appendSample(previous.history, { t: now, length: stats.queue.length, lag: stats.queue.lag }),
          error: null,
          updatedAt: now,
        }));
      } catch (error) {
        if (abort.signal.aborted) return;
        setState((previous) => ({ ...previous, error: describeError(error) }));
      }
      if (!abort.signal.aborted) timer = setTimeout(poll, intervalMs);
    };
    void poll();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [intervalMs, adminKey]);
  return state;
}
