import { describe, expect, it } from "vitest";
import type { ServerMessage } from "../api";
import { job, stage } from "../test/fixtures";
import { initialRunState, runReducer, type RunAction, type RunState } from "./runState";

function play(actions: RunAction[], from: RunState = initialRunState): RunState {
  return actions.reduce(runReducer, from);
}
const msg = (message: ServerMessage): RunAction => ({ type: "message", message });

describe("runReducer", () => {
  it("follows an interpreted run from status to result", () => {
    const state = play([
      { type: "start", compiled: false },
      msg({ type: "status", seq: 1, data: { id: "abc", status: "queued" } }),
      msg({ type: "status", seq: 2, data: { id: "abc", status: "running" } }),
      msg({ type: "stdout", seq: 3, data: "Hello" }),
      msg({ type: "stderr", seq: 4, data: "oops\n" }),
      msg({ type: "exit", seq: 5, data: { stage: "run", exitCode: 0, signal: null } }),
    ]);
    expect(state.jobId).toBe("abc");
    expect(state.phase).toBe("running");
    expect(state.output).toEqual([
      { stream: "stdout", data: "Hello" },
      { stream: "stderr", data: "oops\n" },
    ]);
    expect(state.exits.run?.exitCode).toBe(0);

    const done = runReducer(state, msg({ type: "result", seq: 6, data: job({ id: "abc" }) }));
    expect(done.phase).toBe("finished");
    expect(done.result?.verdict).toBe("accepted");
    // Streamed output stays: it has the true interleaving of stdout and stderr.
    expect(done.output).toHaveLength(2);
  });

  it("routes output before the compile exit to the compile pane", () => {
    const state = play([
      { type: "start", compiled: true },
      msg({ type: "status", seq: 1, data: { id: "c1", status: "running" } }),
      msg({ type: "stderr", seq: 2, data: "warning: unused\n" }),
      msg({ type: "exit", seq: 3, data: { stage: "compile", exitCode: 0, signal: null } }),
      msg({ type: "stdout", seq: 4, data: "42\n" }),
    ]);
    expect(state.compileOutput).toBe("warning: unused\n");
    expect(state.stage).toBe("run");
    expect(state.output).toEqual([{ stream: "stdout", data: "42\n" }]);
  });

  it("drops frames replayed after a reconnect", () => {
    const before = play([
      { type: "start", compiled: false },
      msg({ type: "status", seq: 1, data: { id: "r", status: "running" } }),
      msg({ type: "stdout", seq: 2, data: "one\n" }),
      msg({ type: "stdout", seq: 3, data: "two\n" }),
      { type: "closed", code: 1006, reason: "", willReconnect: true },
    ]);
    expect(before.reconnecting).toBe(true);
    const after = play(
      [
        { type: "reconnected" },
        // A server that ignores ?after= replays from the start: nothing may repeat.
        msg({ type: "status", seq: 1, data: { id: "r", status: "running" } }),
        msg({ type: "stdout", seq: 2, data: "one\n" }),
        msg({ type: "stdout", seq: 3, data: "two\n" }),
        msg({ type: "stdout", seq: 4, data: "three\n" }),
        msg({ type: "stdout", seq: 4, data: "three\n" }),
      ],
      before,
    );
    expect(after.reconnecting).toBe(false);
    expect(after.output.map((c) => c.data).join("")).toBe("one\ntwo\nthree\n");
    expect(after.lastSeq).toBe(4);
  });

  it("applies frames without a seq every time", () => {
    const state = play([
      { type: "start", compiled: false },
      msg({ type: "stdout", data: "a" }),
      msg({ type: "stdout", data: "a" }),
    ]);
    expect(state.output).toHaveLength(2);
  });

  it("takes compile output from the stored result and fills output when nothing streamed", () => {
    const result = job({
      verdict: "compile_error",
      compile: stage({ stderr: "main.cpp:1: error\n", exitCode: 1 }),
      run: null,
    });
    const state = play([{ type: "start", compiled: true }, msg({ type: "result", seq: 9, data: result })]);
    expect(state.compileOutput).toBe("main.cpp:1: error\n");
    expect(state.output).toEqual([]);
    expect(state.phase).toBe("finished");
  });

  it("turns an error frame into a failed run with the server's words", () => {
    const state = play([{ type: "start", compiled: false }, msg({ type: "error", data: { message: "Unknown language 'cobol'." } })]);
    expect(state.phase).toBe("failed");
    expect(state.notice?.title).toBe("Unknown language 'cobol'.");
  });

  it("keeps the first notice when the socket then closes with 4400", () => {
    const state = play([
      { type: "start", compiled: false },
      msg({ type: "error", data: { message: "Code: must not be empty" } }),
      { type: "closed", code: 4400, reason: "bad init", willReconnect: false },
    ]);
    expect(state.notice?.title).toBe("Code: must not be empty");
  });

  it("explains a rate-limit close", () => {
    const state = play([{ type: "start", compiled: false }, { type: "closed", code: 4429, reason: "", willReconnect: false }]);
    expect(state.phase).toBe("failed");
    expect(state.notice?.title).toMatch(/rate limited/);
  });

  it("treats a clean close without a result as the end", () => {
    const state = play([
      { type: "start", compiled: false },
      msg({ type: "status", seq: 1, data: { id: "x", status: "running" } }),
      { type: "closed", code: 1000, reason: "", willReconnect: false },
    ]);
    expect(state.phase).toBe("finished");
    expect(state.notice).toBeNull();
  });

  it("loads a finished job with its output, and bumps the generation", () => {
    const start = play([{ type: "start", compiled: false }]);
    const state = runReducer(start, { type: "loaded", job: job({ run: stage({ stdout: "out", stderr: "err" }) }), compiled: false });
    expect(state.phase).toBe("finished");
    expect(state.generation).toBe(start.generation + 1);
    expect(state.output).toEqual([
      { stream: "stdout", data: "out" },
      { stream: "stderr", data: "err" },
    ]);
  });

  it("loads a finished job's base64 output and compile output decoded, not as base64", () => {
    const notUtf8 = btoa(String.fromCharCode(0x6f, 0x6b, 0xff)); // "ok" then 0xFF
    const state = runReducer(initialRunState, {
      type: "loaded",
      job: job({ compile: stage({ stderr: notUtf8, stderrEncoding: "base64" }), run: stage({ stdout: notUtf8, stdoutEncoding: "base64" }) }),
      compiled: true,
    });
    expect(state.output).toEqual([{ stream: "stdout", data: "ok\uFFFD" }]);
    expect(state.compileOutput).toBe("ok\uFFFD");
  });

  it("loads a running job ready to follow its stream from the start", () => {
    const state = runReducer(initialRunState, { type: "loaded", job: job({ status: "running", verdict: null, run: null }), compiled: true });
    expect(state.phase).toBe("running");
    expect(state.stage).toBe("compile");
    expect(state.lastSeq).toBe(-1);
  });
});
