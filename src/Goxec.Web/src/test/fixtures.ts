import type { Job, StageResult } from "../api";

export function stage(overrides: Partial<StageResult> = {}): StageResult {
  return {
    stdout: "",
    stderr: "",
    exitCode: 0,
    signal: null,
    wallTimeMs: 120,
    timedOut: false,
    outputTruncated: false,
    cpuTimeMs: 80,
    memoryKb: 9216,
    limitExceeded: null,
    stdoutEncoding: "utf8",
    stderrEncoding: "utf8",
    measurementNotes: null,
    ...overrides,
  };
}

export function job(overrides: Partial<Job> = {}): Job {
  return {
    id: "job1",
    language: "python",
    status: "completed",
    verdict: "accepted",
    compile: null,
    run: stage({ stdout: "hi\n" }),
    message: null,
    attempts: 1,
    worker: "worker-1",
    createdAt: "2025-01-01T00:00:00Z",
    startedAt: "2025-01-01T00:00:01Z",
    finishedAt: "2025-01-01T00:00:02Z",
    code: "print('hi')\n",
    files: null,
    stdin: "",
    args: [],
    ...overrides,
  };
}
