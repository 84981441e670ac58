import type { ExitInfo } from "../api";
import type { RunState } from "../run/runState";

function describeExit(exit: Pick<ExitInfo, "exitCode" | "signal">): string {
  if (exit.signal) return `killed by ${exit.signal}`;
  return exit.exitCode === null ? "finished" : `exited with code ${exit.exitCode}`;
}

/** The dim line the terminal prints once a run is over. */
export function footerFor(state: RunState): string | null {
  if (state.phase !== "finished") return null;
  const compile = state.exits.compile ?? state.result?.compile ?? null;
  const run = state.exits.run ?? state.result?.run ?? null;
  if (compile && !run && (compile.exitCode !== 0 || compile.signal)) return "— compilation failed: see Compile output —";
  if (run) return `— process ${describeExit(run)} —`;
  if (state.result?.status === "dead_lettered") return "— the job was dead-lettered —";
  return "— done —";
}
