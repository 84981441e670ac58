import type { Job, StageResult } from "../api";

export function stage(overrides: Partial<StageResult> = {}): StageResult {
  return { stdout: "", stderr: "", exitCode: 0, signal: null, wallTimeMs: 120, cpuTimeMs: 80, memoryKb: 9216, ...overrides };
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
    ...overrides,
  };
}
