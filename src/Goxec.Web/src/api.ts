// The Goxec HTTP/WebSocket contract in one place: every call the browser makes.
// The HTTP types come from the Api's OpenAPI document (openapi/v1.json →
// src/generated/openapi.d.ts by `npm run gen:api`, part of the build); only the
// WebSocket frames, which OpenAPI cannot describe, are written here. All URLs
// are relative, so the app works wherever the Api serves it (and through the
// Vite dev proxy).
import type { components } from "./generated/openapi";


type Schemas = components["schemas"];

export type Language = Schemas["LanguageInfo"];
export type Limits = Schemas["StageLimits"];
export type LimitsInfo = Schemas["LimitsInfo"];
export type JobRequest = Schemas["SubmitJobRequest"];
export type JobAccepted = Schemas["JobAccepted"];
export type JobStatus = Schemas["JobStatus"];
export type Verdict = NonNullable<Schemas["Verdict"]>;
export type StageResult = Schemas["StageResult"];
export type Job = Schemas["JobView"];

export type Stage = "compile" | "run";
export type ExitInfo = { stage: Stage; exitCode: number | null; signal: string | null };

/** A frame the server sends on /api/v1/run and /api/v1/jobs/{id}/stream. */
export type ServerMessage =
  | { type: "status"; seq?: number; data: { id: string; status: JobStatus } }
  | { type: "stdout" | "stderr"; seq?: number; data: string }
  | { type: "exit"; seq?: number; data: ExitInfo }
  | { type: "result"; seq?: number; data: Job }
  | { type: "error"; seq?: number; data: { message: string } };

export type RunSignal = "SIGINT" | "SIGTERM" | "SIGKILL";

/** A frame the browser sends on /api/v1/run. */
export type ClientMessage =
  | ({ type: "init" } & JobRequest)
  | { type: "stdin"; data: string }
  | { type: "eof" }
  | { type: "signal"; signal: RunSignal };

export type Stats = Schemas["Stats"];
export type ThroughputPoint = Schemas["ThroughputPoint"];
export type DeadLetter = Schemas["DeadLetter"];

/** RFC 9457 problem details, as ASP.NET Core's ValidationProblem writes them. */
export type ProblemDetails = Schemas["HttpValidationProblemDetails"];

/** A non-2xx answer (or no answer at all: status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: ProblemDetails | null;
  /** Seconds from the Retry-After header, when the server sent one. */
  readonly retryAfterSeconds: number | null;

  constructor(status: number, problem: ProblemDetails | null, retryAfterSeconds: number | null, message?: string) {
    super(message ?? problem?.title ?? `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { Accept: "application/json", ...init.headers } });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, null, null, "Cannot reach the Goxec server.");
  }
  if (!response.ok) {
    let problem: ProblemDetails | null = null;
    try {
      const body: unknown = await response.json();
      if (body !== null && typeof body === "object") problem = body as ProblemDetails;
    } catch {
      // Not JSON (a proxy's error page, say): the status alone tells the story.
    }
    throw new ApiError(response.status, problem, parseRetryAfter(response.headers.get("Retry-After")));
  }
  if (response.status === 204 || response.headers.get("Content-Length") === "0") return undefined as T;
  const text = await response.text();
  return (text === "" ? undefined : JSON.parse(text)) as T;
}

function adminHeaders(adminKey: string | null): Record<string, string> {
  return adminKey ? { Authorization: `Bearer ${adminKey}` } : {};
}

export const api = {
  languages: (signal?: AbortSignal) => request<Language[]>("/api/v1/languages", { signal }),

  /** Null when the server predates /limits (404): the caller hides the limits editor. */
  limits: async (signal?: AbortSignal): Promise<LimitsInfo | null> => {
    try {
      return await request<LimitsInfo>("/api/v1/limits", { signal });
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  },

  submitJob: (job: JobRequest, signal?: AbortSignal) =>
    request<JobAccepted>("/api/v1/jobs", {
      method: "POST",
      body: JSON.stringify(job),
      headers: { "Content-Type": "application/json" },
      signal,
    }),

  job: (id: string, signal?: AbortSignal) => request<Job>(`/api/v1/jobs/${encodeURIComponent(id)}`, { signal }),

  stats: (signal?: AbortSignal) => request<Stats>("/api/v1/stats", { signal }),

  deadLetters: (adminKey: string | null, signal?: AbortSignal) =>
    request<DeadLetter[]>("/api/v1/dead-letters", { signal, headers: adminHeaders(adminKey) }),

  retryDeadLetter: (id: string, adminKey: string) =>
    request<unknown>(`/api/v1/dead-letters/${encodeURIComponent(id)}/retry`, {
      method: "POST",
      headers: adminHeaders(adminKey),
    }),
};

/** ws(s)://<this origin><path>: same origin as the page, so the dev proxy and TLS both work. */
export function wsUrl(path: string, location: Pick<Location, "protocol" | "host"> = window.location): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}`;
}

export const socketPaths = {
  run: "/api/v1/run",
  watch: (id: string, after: number | null) =>
    `/api/v1/jobs/${encodeURIComponent(id)}/stream${after !== null && after >= 0 ? `?after=${after}` : ""}`,
};

/** Close codes the server uses on the run/stream sockets. */
export const closeCodes = {
  normal: 1000,
  tooSlow: 4008,
  badInit: 4400,
  initTimeout: 4408,
  tooMuchInput: 4413,
  rateLimited: 4429,
} as const;

export function isServerMessage(value: unknown): value is ServerMessage {
  if (value === null || typeof value !== "object") return false;
  const type = (value as { type?: unknown }).type;
  return typeof type === "string" && ["status", "stdout", "stderr", "exit", "result", "error"].includes(type);
}

export function isTerminal(status: JobStatus): boolean {
  return status === "completed" || status === "dead_lettered";
}
