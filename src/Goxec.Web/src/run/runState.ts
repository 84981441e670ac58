import { isTerminal, type ExitInfo, type Job, type ServerMessage, type Stage } from "../api";
import { outputText } from "../lib/output";
import { describeClose, type Notice } from "../lib/problems";

export type OutputChunk = { stream: "stdout" | "stderr"; data: string };

export type RunPhase = "idle" | "connecting" | "queued" | "running" | "finished" | "failed";

export type RunState = {
  phase: RunPhase;
  jobId: string | null;
  /** Highest seq applied; frames at or below it are replays and are dropped. */
  lastSeq: number;
  /** Which stage stdout/stderr chunks belong to right now. */
  stage: Stage;
  /** Run-stage output, in arrival order: the terminal writes it. */
  output: OutputChunk[];
  compileOutput: string;
  exits: Partial<Record<Stage, ExitInfo>>;
  result: Job | null;
  notice: Notice | null;
  reconnecting: boolean;
  /** Bumped by every new run or load, so views know to clear what they drew. */
  generation: number;
};

export type RunAction =
  | { type: "start"; compiled: boolean }
  | { type: "message"; message: ServerMessage }
  | { type: "closed"; code: number; reason: string; willReconnect: boolean }
  | { type: "reconnected" }
  | { type: "failed"; notice: Notice }
  | { type: "loaded"; job: Job; compiled: boolean }
  | { type: "reset" };

export const initialRunState: RunState = {
  phase: "idle",
  jobId: null,
  lastSeq: -1,
  stage: "run",
  output: [],
  compileOutput: "",
  exits: {},
  result: null,
  notice: null,
  reconnecting: false,
  generation: 0,
};

export function isActive(phase: RunPhase): boolean {
  return phase === "connecting" || phase === "queued" || phase === "running";
}

export function runReducer(state: RunState, action: RunAction): RunState {
  switch (action.type) {
    case "start":
      return { ...initialRunState, phase: "connecting", stage: action.compiled ? "compile" : "run", generation: state.generation + 1 };
    case "reset":
      return { ...initialRunState, generation: state.generation + 1 };
    case "message":
      return applyMessage(state, action.message);
    case "closed": {
      if (action.willReconnect) return { ...state, reconnecting: true };
      if (!isActive(state.phase)) return { ...state, reconnecting: false };
      const notice = describeClose(action.code, action.reason) ?? (action.code === 1000 ? null : state.notice);
      // A clean close before any result: the job is over as far as this socket can tell.
      if (notice === null) return { ...state, phase: "finished", reconnecting: false };
      return { ...state, phase: "failed", notice: state.notice ?? notice, reconnecting: false };
    }
    case "reconnected":
      return { ...state, reconnecting: false };
    case "failed":
      return { ...state, phase: "failed", notice: action.notice, reconnecting: false };
    case "loaded":
      return loadJob(state, action.job, action.compiled);
  }
}

function applyMessage(state: RunState, message: ServerMessage): RunState {
  if (typeof message.seq === "number") {
    if (message.seq <= state.lastSeq) return state;
    state = { ...state, lastSeq: message.seq };
  }
  switch (message.type) {
    case "status": {
      const { id, status } = message.data;
      const phase = status === "queued" ? "queued" : status === "running" ? "running" : state.phase;
      return { ...state, jobId: id || state.jobId, phase: state.result ? state.phase : phase };
    }
    case "stdout":
    case "stderr":
      if (state.stage === "compile") return { ...state, compileOutput: state.compileOutput + message.data };
      return { ...state, output: [...state.output, { stream: message.type, data: message.data }] };
    case "exit": {
      const exits = { ...state.exits, [message.data.stage]: message.data };
      return { ...state, exits, stage: message.data.stage === "compile" ? "run" : state.stage };
    }
    case "result":
      return withResult(state, message.data);
    case "error":
      return {
        ...state,
        phase: state.result ? state.phase : "failed",
        notice: { title: message.data.message || "The server reported an error.", details: [], retryAfterSeconds: null },
      };
  }
}

function withResult(state: RunState, job: Job): RunState {
  const compile = job.compile ? outputText(job.compile, "stdout") + outputText(job.compile, "stderr") : "";
  // The stored result is authoritative; streamed chunks only stand in when it has none.
  const output = state.output.length > 0 ? state.output : outputOf(job);
  return {
    ...state,
    jobId: job.id,
    result: job,
    phase: isTerminal(job.status) ? "finished" : state.phase,
    compileOutput: compile || state.compileOutput,
    output,
    reconnecting: false,
  };
}

function loadJob(state: RunState, job: Job, compiled: boolean): RunState {
  const base: RunState = { ...initialRunState, jobId: job.id, stage: compiled ? "compile" : "run", generation: state.generation + 1 };
  if (isTerminal(job.status)) return withResult(base, job);
  return { ...base, phase: job.status === "running" ? "running" : "queued" };
}

function outputOf(job: Job): OutputChunk[] {
  const chunks: OutputChunk[] = [];
  if (job.run?.stdout) chunks.push({ stream: "stdout", data: outputText(job.run, "stdout") });
  if (job.run?.stderr) chunks.push({ stream: "stderr", data: outputText(job.run, "stderr") });
  return chunks;
}
