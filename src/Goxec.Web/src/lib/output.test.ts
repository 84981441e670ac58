import { describe, expect, it } from "vitest";
import { job, stage } from "../test/fixtures";
import { binaryStreams, outputText } from "./output";

describe("outputText", () => {
  it("passes UTF-8 output through", () => {
    expect(outputText(stage({ stdout: "héllo\n" }), "stdout")).toBe("héllo\n");
  });

  it("decodes base64 output, showing bytes that are not UTF-8 as U+FFFD", () => {
    // "café " then 0xFF (never valid UTF-8) then a newline
    const bytes = String.fromCharCode(0x63, 0x61, 0x66, 0xc3, 0xa9, 0x20, 0xff, 0x0a);
    const run = stage({ stdout: btoa(bytes), stdoutEncoding: "base64", stderr: "plain", stderrEncoding: "utf8" });
    expect(outputText(run, "stdout")).toBe("café \uFFFD\n");
    expect(outputText(run, "stderr")).toBe("plain");
  });
});

describe("binaryStreams", () => {
  it("names the streams that came back base64", () => {
    expect(binaryStreams(job())).toEqual([]);
    expect(binaryStreams(job({ run: stage({ stdout: "/w==", stdoutEncoding: "base64" }) }))).toEqual(["run stdout"]);
  });
});
