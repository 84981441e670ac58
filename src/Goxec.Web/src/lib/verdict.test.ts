import { describe, expect, it } from "vitest";
import { job, stage } from "../test/fixtures";
import { formatKb, formatMs, summarize } from "./verdict";

describe("summarize", () => {
  it("reports an accepted run's exit, times and memory", () => {
    const summary = summarize(job({ run: stage({ exitCode: 0, cpuTimeMs: 80, wallTimeMs: 1520, memoryKb: 9216 }) }));
    expect(summary.label).toBe("Accepted");
    expect(summary.tone).toBe("good");
    expect(summary.facts).toEqual([
      { label: "Exit", value: "exit 0" },
      { label: "CPU", value: "80 ms" },
      { label: "Wall", value: "1.52 s" },
      { label: "Memory", value: "9.0 MB" },
    ]);
  });

  it("says a figure the host could not measure is not measured, never 0, and why", () => {
    const summary = summarize(job({
      run: stage({ cpuTimeMs: null, memoryKb: 2048, measurementNotes: { cpuTimeMs: "no CPU accounting", memoryKb: "approximate: sampled" } }),
    }));
    expect(summary.facts[1]).toEqual({ label: "CPU", value: "not measured", note: "no CPU accounting" });
    expect(summary.facts[3]).toEqual({ label: "Memory", value: "≈ 2.0 MB", note: "approximate: sampled" });
  });

  it("shows the signal of a killed run and the limit as a warning", () => {
    const summary = summarize(job({ verdict: "time_limit_exceeded", run: stage({ exitCode: null, signal: "SIGKILL" }), message: "CPU time limit of 2000 ms exceeded." }));
    expect(summary.label).toBe("Time limit exceeded");
    expect(summary.tone).toBe("warn");
    expect(summary.facts[0]).toEqual({ label: "Exit", value: "signal SIGKILL" });
    expect(summary.message).toBe("CPU time limit of 2000 ms exceeded.");
  });

  it("reports the compiler when the compile failed", () => {
    const summary = summarize(job({ verdict: "compile_error", compile: stage({ exitCode: 1 }), run: null }));
    expect(summary.tone).toBe("bad");
    expect(summary.facts[0]).toEqual({ label: "Compiler", value: "exit 1" });
  });

  it("adds compile time and attempts when there are both stages or retries", () => {
    const summary = summarize(job({ compile: stage({ wallTimeMs: 640 }), attempts: 2 }));
    expect(summary.facts).toContainEqual({ label: "Compile", value: "640 ms" });
    expect(summary.facts).toContainEqual({ label: "Attempts", value: "2" });
  });

  it("labels a dead-lettered job without a verdict", () => {
    const summary = summarize(job({ status: "dead_lettered", verdict: null, run: null }));
    expect(summary.label).toBe("Dead-lettered");
    expect(summary.tone).toBe("bad");
    expect(summary.facts).toEqual([]);
  });
});

describe("formatting", () => {
  it("formats times and sizes", () => {
    expect(formatMs(999)).toBe("999 ms");
    expect(formatMs(12_345)).toBe("12.3 s");
    expect(formatKb(512)).toBe("512 KB");
    expect(formatKb(300 * 1024)).toBe("300 MB");
    expect(formatKb(2 * 1024 * 1024)).toBe("2.00 GB");
  });
});
