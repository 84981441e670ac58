import { ApiError, closeCodes } from "../api";

/** What the UI shows when the server says no: a headline and, for validation, one line per field. */
export type Notice = { title: string; details: string[]; retryAfterSeconds: number | null };

const fieldNames: Record<string, string> = {
  language: "Language",
  code: "Code",
  stdin: "Stdin",
  args: "Arguments",
  body: "Request",
};

function fieldLabel(field: string): string {
  if (field === "" || field === "$") return "Request";
  const [head, ...rest] = field.replace(/^\$\./, "").split(".");
  const root = fieldNames[head.toLowerCase()];
  if (root) return [root, ...rest].join(".");
  if (head.toLowerCase() === "limits" && rest.length > 0) return `Limit ${rest.join(".")}`;
  return field;
}

function retryText(seconds: number | null): string {
  if (seconds === null) return "Try again in a moment.";
  return seconds <= 1 ? "Try again in a second." : `Try again in ${seconds} s.`;
}

/** Turns anything a run can throw into words for the user. */
export function describeError(error: unknown): Notice {
  if (error instanceof ApiError) return describeApiError(error);
  const message = error instanceof Error ? error.message : String(error);
  return { title: message || "Something went wrong.", details: [], retryAfterSeconds: null };
}

export function describeApiError(error: ApiError): Notice {
  const problem = error.problem;
  const retry = error.retryAfterSeconds;
  switch (error.status) {
    case 0:
      return { title: "Cannot reach the Goxec server.", details: ["Check your connection and try again."], retryAfterSeconds: null };
    case 400: {
      const details = Object.entries(problem?.errors ?? {}).flatMap(([field, messages]) =>
        messages.map((message) => `${fieldLabel(field)}: ${message}`),
      );
      if (details.length === 0 && problem?.detail) details.push(problem.detail);
      return { title: problem?.title ?? "The server rejected the job.", details, retryAfterSeconds: null };
    }
    case 413:
      return {
        title: "The job is too large.",
        details: [problem?.detail ?? "Shorten the code or the stdin and try again."],
        retryAfterSeconds: null,
      };
    case 429:
      return { title: "Too many runs: you are rate limited.", details: [retryText(retry)], retryAfterSeconds: retry };
    case 503:
      return { title: "The queue is full.", details: [retryText(retry)], retryAfterSeconds: retry };
    case 401:
    case 403:
      return { title: "Not allowed.", details: [problem?.detail ?? "Check the admin key."], retryAfterSeconds: null };
    case 404:
      return { title: problem?.title ?? "Not found.", details: problem?.detail ? [problem.detail] : [], retryAfterSeconds: null };
    default:
      return {
        title: problem?.title ?? `The server answered ${error.status}.`,
        details: problem?.detail ? [problem.detail] : [],
        retryAfterSeconds: retry,
      };
  }
}

/** Why a run/stream socket closed, or null when the close was the ordinary end of a job. */
export function describeClose(code: number, reason: string): Notice | null {
  const detail = reason ? [reason] : [];
  switch (code) {
    case closeCodes.normal:
      return null;
    case closeCodes.badInit:
      return { title: "The server rejected the job.", details: detail, retryAfterSeconds: null };
    case closeCodes.initTimeout:
      return { title: "The server did not receive the job in time.", details: detail, retryAfterSeconds: null };
    case closeCodes.tooMuchInput:
      return { title: "Too much input: the program's stdin limit was reached.", details: detail, retryAfterSeconds: null };
    case closeCodes.rateLimited:
      return { title: "Too many runs: you are rate limited.", details: detail.length ? detail : [retryText(null)], retryAfterSeconds: null };
    case closeCodes.tooSlow:
      return { title: "The connection could not keep up with the output.", details: detail, retryAfterSeconds: null };
    default:
      return { title: `The connection closed unexpectedly (${code}).`, details: detail, retryAfterSeconds: null };
  }
}
