// A tiny stand-in for Goxec.Api, for looking at the UI without the real server.
// Not part of the build. Run: `npm run mock` (port 8080), then `npm run dev`.
// Code containing RATE → 429, FULL → 503, BIG → 413, an empty body → 400;
// `input(` or `cin` waits for one line of stdin; `error` in C++ fails to compile;
// `while True` runs until stopped.
import { createServer } from "node:http";
import { WebSocketServer } from "ws";

const port = Number(process.env.PORT ?? 8080);
const languages = [
  { id: "python", name: "Python", version: "3.11.2", aliases: ["py"], compiled: false, editorLanguage: "python", template: 'name = input("Your name? ")\nprint(f"Hello, {name}!")\n' },
  { id: "cpp", name: "C++ (G++)", version: "12.2.0", aliases: ["c++"], compiled: true, editorLanguage: "cpp", template: '#include <iostream>\n\nint main() {\n    std::cout << "Hello, world!" << std::endl;\n    return 0;\n}\n' },
  { id: "javascript", name: "JavaScript (Node.js)", version: "18.19.0", aliases: ["js"], compiled: false, editorLanguage: "javascript", template: 'console.log("Hello, world!");\n' },
];
const limits = {
  defaults: { cpuTimeMs: 2000, wallTimeMs: 5000, memoryMb: 256, maxProcesses: 64, maxOutputBytes: 1048576 },
  maxima: { cpuTimeMs: 10000, wallTimeMs: 30000, memoryMb: 1024, maxProcesses: 256, maxOutputBytes: 8388608 },
};
const jobs = new Map(); // id → { job, messages, listeners:Set, stdin: [] , waiting }
const deadLetters = [
  { id: "0193a1b2c3d4e5f60718293a4b5c6d7e", reason: "max_deliveries", error: "DockerException: container create failed: no space left on device", attempts: 5, worker: "worker-2", at: new Date(Date.now() - 300000).toISOString() },
];
const verdicts = { accepted: 412, runtime_error: 37, compile_error: 21, time_limit_exceeded: 9, memory_limit_exceeded: 2 };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const newId = () => Date.now().toString(16) + Math.random().toString(16).slice(2, 18);

function json(res, status, body, headers = {}) {
  res.writeHead(status, { "Content-Type": status >= 400 ? "application/problem+json" : "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function createJob(body) {
  const id = newId();
  const entry = {
    job: { id, language: body.language, status: "queued", verdict: null, compile: null, run: null, message: null, attempts: 1, worker: null, createdAt: new Date().toISOString(), startedAt: null, finishedAt: null, code: body.code, stdin: body.stdin ?? "", args: body.args ?? [] },
    messages: [], listeners: new Set(), stdin: [], eof: false, killed: null, seq: 0,
  };
  jobs.set(id, entry);
  return entry;
}

function emit(entry, type, data) {
  const message = { type, seq: ++entry.seq, data };
  entry.messages.push(message);
  for (const send of entry.listeners) send(message);
}

function validate(body) {
  const errors = {};
  if (!body || typeof body !== "object") return { body: ["The body must be a JSON object describing the job."] };
  if (!languages.some((l) => l.id === body.language)) errors.language = [`Unknown language '${body.language}'.`];
  if (!body.code || !body.code.trim()) errors.code = ["The code must not be empty."];
  if (body.limits && body.limits.cpuTimeMs > limits.maxima.cpuTimeMs) errors["limits.cpuTimeMs"] = [`At most ${limits.maxima.cpuTimeMs}.`];
  return Object.keys(errors).length ? errors : null;
}

async function waitLine(entry) {
  while (entry.stdin.length === 0 && !entry.eof && !entry.killed) await sleep(50);
  return entry.stdin.shift() ?? null;
}

async function execute(entry) {
  const { job } = entry;
  await sleep(300);
  job.status = "running";
  job.worker = "worker-1";
  job.startedAt = new Date().toISOString();
  emit(entry, "status", { id: job.id, status: "running" });
  const started = Date.now();
  const stage = (stdout, stderr, exitCode, signal = null) => ({ stdout, stderr, exitCode, signal, wallTimeMs: Date.now() - started, cpuTimeMs: Math.round((Date.now() - started) * 0.4), memoryKb: 9000 + Math.round(Math.random() * 4000) });
  const finish = (verdict, message = null) => {
    job.status = "completed";
    job.verdict = verdict;
    job.message = message;
    job.finishedAt = new Date().toISOString();
    emit(entry, "result", job);
    for (const send of entry.listeners) send(null);
  };
  if (languages.find((l) => l.id === job.language)?.compiled) {
    await sleep(600);
    if (job.code.includes("error")) {
      const err = "main.cpp: In function 'int main()':\nmain.cpp:4:5: error: 'error' was not declared in this scope\n";
      emit(entry, "stderr", err);
      emit(entry, "exit", { stage: "compile", exitCode: 1, signal: null });
      job.compile = stage("", err, 1);
      return finish("compile_error");
    }
    emit(entry, "exit", { stage: "compile", exitCode: 0, signal: null });
    job.compile = stage("", "", 0);
  }
  let out = "";
  let err = "";
  const write = (type, text) => {
    if (type === "stdout") out += text;
    else err += text;
    emit(entry, type, text);
  };
  for (const line of (job.stdin ?? "").split("\n").filter(Boolean)) entry.stdin.push(line + "\n");
  if (/input\(|cin/.test(job.code)) {
    write("stdout", "Your name? ");
    const line = await waitLine(entry);
    if (entry.killed) return end();
    write("stdout", `Hello, ${(line ?? "").trim() || "stranger"}!\n`);
  } else if (/while True/.test(job.code)) {
    for (let i = 0; !entry.killed && i < 600; i++) {
      write("stdout", `tick ${i}\n`);
      await sleep(500);
    }
    return end();
  } else {
    write("stdout", "Hello, world!\n");
    if (job.args.length) write("stdout", `args: ${job.args.join(", ")}\n`);
    write("stderr", "warning: this is stderr\n");
  }
  return end();

  function end() {
    const signal = entry.killed;
    emit(entry, "exit", { stage: "run", exitCode: signal ? null : 0, signal });
    job.run = stage(out, err, signal ? null : 0, signal);
    finish(signal ? "runtime_error" : "accepted", signal ? `Killed by ${signal}.` : null);
  }
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  const path = url.pathname;
  if (req.method === "GET" && path === "/api/v1/languages") return json(res, 200, languages);
  if (req.method === "GET" && path === "/api/v1/limits") return json(res, 200, limits);
  if (req.method === "POST" && path === "/api/v1/jobs") {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      return json(res, 400, { title: "The request is not valid.", status: 400, errors: { body: ["Not JSON."] } });
    }
    if (body.code?.includes("RATE")) return json(res, 429, { title: "Too Many Requests", status: 429 }, { "Retry-After": "7" });
    if (body.code?.includes("FULL")) return json(res, 503, { title: "Queue full", status: 503 }, { "Retry-After": "3" });
    if (body.code?.includes("BIG")) return json(res, 413, { title: "Payload Too Large", status: 413 });
    const errors = validate(body);
    if (errors) return json(res, 400, { title: "The job is not valid.", status: 400, errors });
    const entry = createJob(body);
    entry.eof = true;
    void execute(entry);
    return json(res, 202, { id: entry.job.id, status: "queued" }, { Location: `/api/v1/jobs/${entry.job.id}` });
  }
  const jobMatch = /^\/api\/v1\/jobs\/([a-z0-9]+)$/.exec(path);
  if (req.method === "GET" && jobMatch) {
    const entry = jobs.get(jobMatch[1]);
    return entry ? json(res, 200, entry.job) : json(res, 404, { title: "Job not found", status: 404, detail: `No job with id '${jobMatch[1]}' (unknown, or expired).` });
  }
  if (req.method === "GET" && path === "/api/v1/stats") {
    const now = Date.now();
    const throughput = Array.from({ length: 30 }, (_, i) => {
      const t = now - (29 - i) * 10000;
      const wave = Math.sin(t / 60000) + 1.2;
      return { t, completed: Math.round(wave * 40 + Math.random() * 10), p50Ms: Math.round(180 + wave * 40 + Math.random() * 20), p95Ms: Math.round(420 + wave * 120 + Math.random() * 80) };
    });
    const running = [...jobs.values()].filter((e) => e.job.status === "running").map((e) => e.job.id);
    return json(res, 200, {
      queue: { length: Math.round(Math.random() * 12), lag: Math.round(Math.random() * 5), pending: running.length + 2 },
      consumers: [{ name: "worker-1", pending: running.length + 1, idleMs: 120 }, { name: "worker-2", pending: 1, idleMs: 8400 }, { name: "worker-3", pending: 0, idleMs: 93000 }],
      workers: [
        { name: "worker-1", lastHeartbeat: new Date(now - 1200).toISOString(), running, healthy: true },
        { name: "worker-2", lastHeartbeat: new Date(now - 2400).toISOString(), running: ["0193f00dcafe4b1d8e2a7c3b5d6e7f80"], healthy: true },
        { name: "worker-3", lastHeartbeat: new Date(now - 95000).toISOString(), running: [], healthy: false },
      ],
      deadLetters: { count: deadLetters.length },
      throughput,
      verdicts,
    });
  }
  if (req.method === "GET" && path === "/api/v1/dead-letters") return json(res, 200, deadLetters);
  const retry = /^\/api\/v1\/dead-letters\/([a-z0-9]+)\/retry$/.exec(path);
  if (req.method === "POST" && retry) {
    if (req.headers.authorization !== "Bearer admin") return json(res, 401, { title: "Unauthorized", status: 401 });
    const index = deadLetters.findIndex((d) => d.id === retry[1]);
    if (index < 0) return json(res, 404, { title: "Not found", status: 404 });
    deadLetters.splice(index, 1);
    res.writeHead(202).end();
    return;
  }
  json(res, 404, { title: "Not found", status: 404 });
});

const wss = new WebSocketServer({ noServer: true });
server.on("upgrade", (req, socket, head) => {
  const url = new URL(req.url, "http://x");
  wss.handleUpgrade(req, socket, head, (ws) => {
    const send = (message) => (message === null ? ws.close(1000, "done") : ws.send(JSON.stringify(message)));
    if (url.pathname === "/api/v1/run") return runSocket(ws, send);
    const stream = /^\/api\/v1\/jobs\/([a-z0-9]+)\/stream$/.exec(url.pathname);
    const entry = stream && jobs.get(stream[1]);
    if (!entry) return ws.close(4404, "unknown job");
    const after = Number(url.searchParams.get("after") ?? -1);
    for (const m of entry.messages) if (m.seq > after) send(m);
    if (entry.job.status === "completed") return ws.close(1000, "done");
    entry.listeners.add(send);
    ws.on("close", () => entry.listeners.delete(send));
  });
});

function runSocket(ws, send) {
  let entry = null;
  const timer = setTimeout(() => ws.close(4408, "no init"), 5000);
  ws.on("message", (raw) => {
    const message = JSON.parse(String(raw));
    if (message.type === "init" && !entry) {
      clearTimeout(timer);
      if (message.code?.includes("RATE")) return ws.close(4429, "rate limited");
      const errors = validate(message);
      if (errors) {
        ws.send(JSON.stringify({ type: "error", data: { message: Object.values(errors).flat().join(" ") } }));
        return ws.close(4400, "bad init");
      }
      entry = createJob(message);
      entry.listeners.add(send);
      emit(entry, "status", { id: entry.job.id, status: "queued" });
      void execute(entry);
    } else if (entry && message.type === "stdin") entry.stdin.push(message.data);
    else if (entry && message.type === "eof") entry.eof = true;
    else if (entry && message.type === "signal") entry.killed = message.signal;
  });
  ws.on("close", () => entry?.listeners.delete(send));
}

server.listen(port, "127.0.0.1", () => console.log(`mock Goxec API on http://127.0.0.1:${port}`));
