import type { Job, StageResult, Verdict } from "../api";
import { binaryStreams } from "./output";

export type Tone = "good" | "bad" | "warn" | "neutral";

export type Summary = {
  label: string;
  tone: Tone;
  /** Ordered facts for the result bar: exit, times, memory. */
  facts: { label: string; value: string; note?: string }[];
  message: string | null;
  /** Set when output came back base64 (not UTF-8): it is shown decoded, and this says so. */
  encodingNote: string | null;
};

const verdictLabels: Record<Verdict, string> = {
  accepted: "Accepted",
  wrong_answer: "Wrong answer",
  compile_error: "Compile error",
  runtime_error: "Runtime error",
  time_limit_exceeded: "Time limit exceeded",
  memory_limit_exceeded: "Memory limit exceeded",
  output_limit_exceeded: "Output limit exceeded",
  internal_error: "Internal error",
};

export function verdictLabel(verdict: Verdict | string): string {
  return verdictLabels[verdict as Verdict] ?? verdict.replaceAll("_", " ");
}

export function verdictTone(verdict: Verdict | null): Tone {
  switch (verdict) {
    case "accepted":
      return "good";
    case "time_limit_exceeded":
    case "memory_limit_exceeded":
    case "output_limit_exceeded":
      return "warn";
    case null:
      return "neutral";
    default:
      return "bad";
  }
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatKb(kb: number): string {
  if (kb < 1024) return `${Math.round(kb)} KB`;
  const mb = kb / 1024;
  return mb < 1024 ? `${mb.toFixed(mb < 10 ? 1 : 0)} MB` : `${(mb / 1024).toFixed(2)} GB`;
}

/** A figure the host may not measure: "not measured" (never 0) when null, "≈" when approximate; the note says why. */
function measured(label: string, value: number | null, format: (v: number) => string, note: string | undefined): Summary["facts"][number] {
  if (value === null) return { label, value: "not measured", note };
  return note ? { label, value: `≈ ${format(value)}`, note } : { label, value: format(value) };
}

export function formatExit(stage: Pick<StageResult, "exitCode" | "signal">): string {
  if (stage.signal) return `signal ${stage.signal}`;
  return stage.exitCode === null ? "—" : `exit ${stage.exitCode}`;
}

/** The result bar for a finished job; a compile failure reports the compile stage. */
export function summarize(job: Job): Summary {
  const label = job.verdict
    ? verdictLabel(job.verdict)
    : job.status === "dead_lettered"
      ? "Dead-lettered"
      : job.status === "completed"
        ? "Completed"
        : job.status === "running"
          ? "Running…"
          : "Queued…";
  const tone = job.status === "dead_lettered" ? "bad" : verdictTone(job.verdict);
  const stage = job.run ?? job.compile;
  const facts: Summary["facts"] = [];
  if (stage) {
    facts.push({ label: job.run ? "Exit" : "Compiler", value: formatExit(stage) });
    facts.push(measured("CPU", stage.cpuTimeMs, formatMs, stage.measurementNotes?.cpuTimeMs));
    facts.push({ label: "Wall", value: formatMs(stage.wallTimeMs) });
    facts.push(measured("Memory", stage.memoryKb, formatKb, stage.measurementNotes?.memoryKb));
  }
  if (job.compile && job.run) facts.push({ label: "Compile", value: formatMs(job.compile.wallTimeMs) });
  if (job.attempts > 1) facts.push({ label: "Attempts", value: String(job.attempts) });
  const binary = binaryStreams(job);
  const encodingNote = binary.length === 0 ? null
    : `Not UTF-8 (${binary.join(", ")}): the server sent it base64; shown decoded, with bytes that are not UTF-8 as \uFFFD.`;
  return { label, tone, facts, message: job.message || null, encodingNote };
}
