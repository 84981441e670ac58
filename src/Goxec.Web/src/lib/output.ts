import type { Job, StageResult } from "../api";

type Stream = "stdout" | "stderr";

/**
 * A stage's output as text. Output that is not valid UTF-8 comes back base64 (`stdoutEncoding: "base64"`): it is
 * decoded here, each invalid byte shown as U+FFFD (�), as a UTF-8 terminal would show it.
 */
export function outputText(stage: StageResult, stream: Stream): string {
  const value = stage[stream];
  const encoding = stream === "stdout" ? stage.stdoutEncoding : stage.stderrEncoding;
  return encoding === "base64" ? decodeBase64(value) : value;
}

/** The streams of a job that came back base64 (not UTF-8), e.g. ["run stdout"]; empty for text output. */
export function binaryStreams(job: Job): string[] {
  const found: string[] = [];
  for (const [name, stage] of [["compile", job.compile], ["run", job.run]] as const) {
    if (stage?.stdoutEncoding === "base64") found.push(`${name} stdout`);
    if (stage?.stderrEncoding === "base64") found.push(`${name} stderr`);
  }
  return found;
}

function decodeBase64(value: string): string {
  let binary: string;
  try {
    binary = atob(value);
  } catch {
    return value; // not base64 after all: show what came
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}
