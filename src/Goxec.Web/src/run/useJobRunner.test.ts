import { act, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ServerMessage } from "../api";
import { job } from "../test/fixtures";
import { useJobRunner, type RunSocket } from "./useJobRunner";

class FakeSocket implements RunSocket {
  readyState = 0;
  sent: unknown[] = [];
  closed: number | null = null;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000) {
    this.closed = code;
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(message: ServerMessage) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code = 1006, reason = "") {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

const request = { language: "python", code: "print(input())", stdin: "", args: [] };

function setup() {
  const sockets: FakeSocket[] = [];
  const createSocket = (url: string) => {
    const socket = new FakeSocket(url);
    sockets.push(socket);
    return socket;
  };
  const hook = renderHook(() => useJobRunner({ createSocket, reconnectDelaysMs: [10, 10] }));
  return { sockets, hook };
}

describe("useJobRunner", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sends init on open, then stdin, eof and signals while the run is live", () => {
    const { sockets, hook } = setup();
    act(() => hook.result.current.run(request, false));
    const socket = sockets[0];
    expect(socket.url).toMatch(/^ws:\/\/[^/]+\/api\/v1\/run$/);
    act(() => socket.open());
    expect(socket.sent[0]).toEqual({ type: "init", ...request });

    act(() => socket.receive({ type: "status", seq: 1, data: { id: "j1", status: "running" } }));
    expect(hook.result.current.canSendInput).toBe(true);
    expect(hook.result.current.state.jobId).toBe("j1");

    act(() => {
      hook.result.current.sendStdin("Ada\n");
      hook.result.current.sendSignal("SIGINT");
      hook.result.current.sendEof();
    });
    expect(socket.sent.slice(1)).toEqual([{ type: "stdin", data: "Ada\n" }, { type: "signal", signal: "SIGINT" }, { type: "eof" }]);
  });

  describe("stop", () => {
    let fetchMock: ReturnType<typeof vi.fn>;
    beforeEach(() => {
      fetchMock = vi.fn(async () => new Response(JSON.stringify(job({ id: "j1", verdict: "cancelled", run: null })), { status: 200 }));
      vi.stubGlobal("fetch", fetchMock);
    });
    afterEach(() => vi.unstubAllGlobals());

    const deletes = () => fetchMock.mock.calls.filter(([, init]) => (init as RequestInit | undefined)?.method === "DELETE").map(([url]) => url);

    it("cancels an interactive run on the server, and the result arrives on its socket", async () => {
      const { sockets, hook } = setup();
      act(() => hook.result.current.run(request, false));
      act(() => {
        sockets[0].open();
        sockets[0].receive({ type: "status", seq: 1, data: { id: "j1", status: "running" } });
      });

      await act(async () => hook.result.current.stop());

      expect(deletes()).toEqual(["/api/v1/jobs/j1"]);
      expect(sockets[0].sent).toEqual([{ type: "init", ...request }]); // no signal: the cancel stops it
      act(() => sockets[0].receive({ type: "result", seq: 2, data: job({ id: "j1", verdict: "cancelled", run: null }) }));
      expect(hook.result.current.state.result?.verdict).toBe("cancelled");
    });

    it("cancels as soon as the server names a job stopped before that", async () => {
      const { sockets, hook } = setup();
      act(() => hook.result.current.run(request, false));
      act(() => hook.result.current.stop());
      expect(deletes()).toEqual([]);

      await act(async () => {
        sockets[0].open();
        sockets[0].receive({ type: "status", seq: 1, data: { id: "j7", status: "queued" } });
      });

      expect(deletes()).toEqual(["/api/v1/jobs/j7"]);
    });

    it("cancels a submitted (batch) run too, and shows the answer when no stream follows it", async () => {
      fetchMock.mockImplementation(async (_url: string, init?: RequestInit) =>
        init?.method === "DELETE"
          ? new Response(JSON.stringify(job({ id: "b1", verdict: "cancelled", run: null })), { status: 200 })
          : new Response(JSON.stringify({ id: "b1", status: "queued" }), { status: 202 }),
      );
      const { sockets, hook } = setup();
      await act(async () => hook.result.current.submit(request, false));
      act(() => sockets[0].drop(1006));
      act(() => vi.advanceTimersByTime(10));
      act(() => sockets[1].drop(1006));
      act(() => vi.advanceTimersByTime(10));
      act(() => sockets[2].drop(1006));

      await act(async () => hook.result.current.stop());

      expect(deletes()).toEqual(["/api/v1/jobs/b1"]);
      expect(hook.result.current.state.result?.verdict).toBe("cancelled");
    });
  });

  it("closes stdin right after init for a run with closeStdin", () => {
    const { sockets, hook } = setup();
    act(() => hook.result.current.run({ ...request, stdin: "1 2\n" }, false, true));
    act(() => sockets[0].open());
    expect(sockets[0].sent).toEqual([{ type: "init", ...request, stdin: "1 2\n" }, { type: "eof" }]);
  });

  it("reconnects a dropped run to the job's stream after the last seq, without repeating output", () => {
    const { sockets, hook } = setup();
    act(() => hook.result.current.run(request, false));
    act(() => {
      sockets[0].open();
      sockets[0].receive({ type: "status", seq: 1, data: { id: "j2", status: "running" } });
      sockets[0].receive({ type: "stdout", seq: 2, data: "a\n" });
      sockets[0].drop(1006);
    });
    expect(hook.result.current.state.reconnecting).toBe(true);
    expect(hook.result.current.canSendInput).toBe(false);

    act(() => vi.advanceTimersByTime(10));
    expect(sockets).toHaveLength(2);
    expect(sockets[1].url).toMatch(/\/api\/v1\/jobs\/j2\/stream\?after=2$/);
    act(() => {
      sockets[1].open();
      sockets[1].receive({ type: "stdout", seq: 2, data: "a\n" });
      sockets[1].receive({ type: "stdout", seq: 3, data: "b\n" });
      sockets[1].receive({ type: "result", seq: 4, data: job({ id: "j2" }) });
      sockets[1].drop(1000);
    });
    const state = hook.result.current.state;
    expect(state.reconnecting).toBe(false);
    expect(state.output.map((c) => c.data).join("")).toBe("a\nb\n");
    expect(state.phase).toBe("finished");
    expect(sockets).toHaveLength(2);
  });

  it("gives up after the configured reconnect attempts", () => {
    const { sockets, hook } = setup();
    act(() => hook.result.current.run(request, false));
    act(() => {
      sockets[0].open();
      sockets[0].receive({ type: "status", seq: 1, data: { id: "j3", status: "running" } });
      sockets[0].drop();
    });
    for (let i = 1; i <= 2; i++) {
      act(() => vi.advanceTimersByTime(10));
      act(() => sockets[i].drop());
    }
    act(() => vi.advanceTimersByTime(100));
    expect(sockets).toHaveLength(3);
    expect(hook.result.current.state.phase).toBe("failed");
    expect(hook.result.current.state.notice?.title).toMatch(/closed unexpectedly/);
  });

  it("reports a server it cannot reach", () => {
    const { sockets, hook } = setup();
    act(() => hook.result.current.run(request, false));
    act(() => sockets[0].drop(1006));
    expect(hook.result.current.state.phase).toBe("failed");
    expect(hook.result.current.state.notice?.title).toBe("Cannot connect to the Goxec server.");
  });

  it("ignores events from a socket it replaced", () => {
    const { sockets, hook } = setup();
    act(() => hook.result.current.run(request, false));
    act(() => hook.result.current.run(request, false));
    expect(sockets[0].closed).toBe(1000);
    act(() => sockets[0].receive({ type: "stdout", seq: 1, data: "stale" }));
    expect(hook.result.current.state.output).toEqual([]);
  });

  it("watches an unfinished job it loads, and only shows a finished one", () => {
    const { sockets, hook } = setup();
    act(() => hook.result.current.load(job({ id: "done" }), false));
    expect(sockets).toHaveLength(0);
    expect(hook.result.current.state.phase).toBe("finished");
    act(() => hook.result.current.load(job({ id: "live", status: "running", verdict: null, run: null }), false));
    expect(sockets[0].url).toMatch(/\/api\/v1\/jobs\/live\/stream$/);
  });
});
