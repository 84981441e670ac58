import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { job, stage } from "../test/fixtures";
import { ResultBar } from "./ResultBar";

describe("ResultBar", () => {
  it("shows the verdict, exit, times, memory and the server's message", () => {
    render(<ResultBar job={job({ verdict: "memory_limit_exceeded", run: stage({ exitCode: null, signal: "SIGKILL", memoryKb: 262144 }), message: "Memory limit of 256 MB exceeded." })} />);
    expect(screen.getByText("Memory limit exceeded").className).toContain("verdict-warn");
    expect(screen.getByText("signal SIGKILL")).toBeTruthy();
    expect(screen.getByText("256 MB")).toBeTruthy();
    expect(screen.getByText("Memory limit of 256 MB exceeded.")).toBeTruthy();
  });
});
