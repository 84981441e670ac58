import { useCallback, useEffect, useMemo, useReducer, useRef } from "react";
import {
  api,
  closeCodes,
  isServerMessage,
  isTerminal,
  socketPaths,
  wsUrl,
  type ClientMessage,
  type Job,
  type JobRequest,
  type RunSignal,
} from "../api";
import { describeError } from "../lib/problems";
import { initialRunState, isActive, runReducer, type RunState } from "./runState";

/** The slice of WebSocket the runner uses, so tests can hand it a fake. */
export interface RunSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: (() => void) | null;
}

export type SocketFactory = (url: string) => RunSocket;

export type JobRunnerOptions = {
  createSocket?: SocketFactory;
  /** Waits before each reconnect of a dropped stream; its length is the number of tries. */
  reconnectDelaysMs?: number[];
};

export type JobRunner = {
  state: RunState;
  /** True while the program's stdin is connected to this page. */
  canSendInput: boolean;
  /** Interactive run over /api/v1/run. */
  run: (request: JobRequest, compiled: boolean, closeStdin?: boolean) => void;
  /** Batch run: POST /api/v1/jobs, then watch its stream. */
  submit: (request: JobRequest, compiled: boolean) => Promise<void>;
  /** Shows a stored job; follows its stream when it has not finished yet. */
  load: (job: Job, compiled: boolean) => void;
  sendStdin: (data: string) => void;
  sendEof: () => void;
  sendSignal: (signal: RunSignal) => void;
  /**
   * Cancels the run on the server (DELETE /api/v1/jobs/{id}), interactive or not: a queued job never runs, a running
   * one is stopped; the result (verdict cancelled) arrives like any other. Before the server has named the job, the
   * cancel goes out as soon as it does.
   */
  stop: () => void;
};

const defaultFactory: SocketFactory = (url) => new WebSocket(url) as unknown as RunSocket;
const defaultDelays = [250, 1000, 2000, 4000, 8000];
const OPEN = 1;

const knownCloses = new Set<number>(Object.values(closeCodes));

export function useJobRunner(options: JobRunnerOptions = {}): JobRunner {
  const createSocket = options.createSocket ?? defaultFactory;
  const delays = options.reconnectDelaysMs ?? defaultDelays;
  const [state, dispatch] = useReducer(runReducer, initialRunState);

  // Socket callbacks run outside React's render, so what they need lives in refs.
  const socketRef = useRef<RunSocket | null>(null);
  const interactiveRef = useRef(false);
  const sessionRef = useRef(0);
  const progressRef = useRef({ jobId: null as string | null, lastSeq: -1, done: false, compiled: false, attempts: 0 });
  const timerRef = useRef<ReturnType<typeof setTimeout> | null>(null);
  /** Stop was pressed before the server named the job. */
  const stopPendingRef = useRef(false);

  const cancel = useCallback((jobId: string) => {
    stopPendingRef.current = false;
    const session = sessionRef.current;
    api.cancelJob(jobId).then(
      (job) => {
        // The stream brings the result; without one (it dropped for good) the cancel's answer is the result.
        if (session === sessionRef.current && socketRef.current === null && isTerminal(job.status))
          dispatch({ type: "message", message: { type: "result", data: job } });
      },
      (error: unknown) => {
        if (session === sessionRef.current) dispatch({ type: "failed", notice: describeError(error) });
      },
    );
  }, []);

  const detach = useCallback(() => {
    sessionRef.current += 1;
    if (timerRef.current !== null) clearTimeout(timerRef.current);
    timerRef.current = null;
    const socket = socketRef.current;
    socketRef.current = null;
    interactiveRef.current = false;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onerror = null;
      socket.onclose = null;
      socket.close(1000, "client done");
    }
  }, []);

  const connect = useCallback(
    (url: string, interactive: boolean, onOpen: (socket: RunSocket) => void) => {
      const session = ++sessionRef.current;
      let opened = false;
      const socket = createSocket(url);
      socketRef.current = socket;
      interactiveRef.current = interactive;
      const current = () => session === sessionRef.current;

      socket.onopen = () => {
        if (!current()) return;
        opened = true;
        progressRef.current.attempts = 0;
        dispatch({ type: "reconnected" });
        onOpen(socket);
      };
      socket.onmessage = (event) => {
        if (!current() || typeof event.data !== "string") return;
        let message: unknown;
        try {
          message = JSON.parse(event.data);
        } catch {
          return;
        }
        if (!isServerMessage(message)) return;
        const progress = progressRef.current;
        if (typeof message.seq === "number") progress.lastSeq = Math.max(progress.lastSeq, message.seq);
        if (message.type === "status" && message.data.id) {
          progress.jobId = message.data.id;
          if (stopPendingRef.current) cancel(message.data.id);
        }
        if (message.type === "result") progress.done = isTerminal(message.data.status);
        dispatch({ type: "message", message });
      };
      socket.onclose = (event) => {
        if (!current()) return;
        socketRef.current = null;
        interactiveRef.current = false;
        const progress = progressRef.current;
        const dropped = !knownCloses.has(event.code);
        const willReconnect = dropped && !progress.done && progress.jobId !== null && progress.attempts < delays.length;
        if (willReconnect) {
          const jobId = progress.jobId as string;
          const delay = delays[progress.attempts++];
          timerRef.current = setTimeout(() => {
            timerRef.current = null;
            if (current()) connect(wsUrl(socketPaths.watch(jobId, progressRef.current.lastSeq)), false, () => {});
          }, delay);
        }
        if (!opened && !willReconnect && progress.jobId === null) {
          dispatch({
            type: "failed",
            notice: { title: "Cannot connect to the Goxec server.", details: ["The live connection could not be opened."], retryAfterSeconds: null },
          });
          return;
        }
        dispatch({ type: "closed", code: event.code, reason: event.reason, willReconnect });
      };
      socket.onerror = () => {};
    },
    [createSocket, delays, cancel],
  );

  const begin = useCallback(
    (compiled: boolean, jobId: string | null = null) => {
      detach();
      stopPendingRef.current = false;
      progressRef.current = { jobId, lastSeq: -1, done: false, compiled, attempts: 0 };
    },
    [detach],
  );

  const send = useCallback((message: ClientMessage) => {
    const socket = socketRef.current;
    if (socket && interactiveRef.current && socket.readyState === OPEN) socket.send(JSON.stringify(message));
  }, []);

  const run = useCallback(
    (request: JobRequest, compiled: boolean, closeStdin = false) => {
      begin(compiled);
      dispatch({ type: "start", compiled });
      connect(wsUrl(socketPaths.run), true, (socket) => {
        socket.send(JSON.stringify({ type: "init", ...request } satisfies ClientMessage));
        if (closeStdin) socket.send(JSON.stringify({ type: "eof" } satisfies ClientMessage));
      });
    },
    [begin, connect],
  );

  const submit = useCallback(
    async (request: JobRequest, compiled: boolean) => {
      begin(compiled);
      dispatch({ type: "start", compiled });
      const session = sessionRef.current;
      try {
        const accepted = await api.submitJob(request);
        if (session !== sessionRef.current) return;
        progressRef.current.jobId = accepted.id;
        dispatch({ type: "message", message: { type: "status", data: { id: accepted.id, status: accepted.status } } });
        connect(wsUrl(socketPaths.watch(accepted.id, null)), false, () => {});
        if (stopPendingRef.current) cancel(accepted.id);
      } catch (error) {
        if (session === sessionRef.current) dispatch({ type: "failed", notice: describeError(error) });
      }
    },
    [begin, connect, cancel],
  );

  const load = useCallback(
    (job: Job, compiled: boolean) => {
      begin(compiled, job.id);
      dispatch({ type: "loaded", job, compiled });
      if (!isTerminal(job.status)) connect(wsUrl(socketPaths.watch(job.id, null)), false, () => {});
      else progressRef.current.done = true;
    },
    [begin, connect],
  );

  const stop = useCallback(() => {
    const progress = progressRef.current;
    if (progress.done) return;
    if (progress.jobId !== null) cancel(progress.jobId);
    else stopPendingRef.current = true;
  }, [cancel]);

  useEffect(() => detach, [detach]);

  const sendStdin = useCallback((data: string) => send({ type: "stdin", data }), [send]);
  const sendEof = useCallback(() => send({ type: "eof" }), [send]);
  const sendSignal = useCallback((signal: RunSignal) => send({ type: "signal", signal }), [send]);

  const canSendInput = isActive(state.phase) && interactiveRef.current;
  return useMemo(
    () => ({ state, canSendInput, run, submit, load, sendStdin, sendEof, sendSignal, stop }),
    [state, canSendInput, run, submit, load, sendStdin, sendEof, sendSignal, stop],
  );
}
