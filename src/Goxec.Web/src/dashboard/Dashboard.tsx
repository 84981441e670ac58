import type { Stats, Verdict } from "../api";
import { useStats, type QueueSample } from "../hooks/useStats";
import { ratePerSecond } from "../lib/chartScale";
import { verdictLabel, verdictTone } from "../lib/verdict";
import { NoticeBanner } from "../ide/NoticeBanner";
import { useAdminKey } from "../hooks/useAdminKey";
import { AdminKeyForm } from "./AdminKeyForm";
import { DeadLetters } from "./DeadLetters";
import { LineChart } from "./LineChart";

export function Dashboard() {
  const [adminKey] = useAdminKey();
  const { stats, history, error, updatedAt } = useStats(2000, adminKey || null);
  return (
    <div className="dashboard">
      <header className="toolbar">
        <a className="brand" href="/" data-route>
          <span className="brand-mark">▸</span> Goxec
        </a>
        <h1>Operations</h1>
        <span className={`pill ${error ? "pill-failed" : "pill-running"}`}>
          {error ? "Stats unavailable" : updatedAt ? `Live · ${new Date(updatedAt).toLocaleTimeString()}` : "Loading…"}
        </span>
        <nav className="toolbar-end">
          <AdminKeyForm />
          <a href="/" data-route>
            IDE
          </a>
        </nav>
      </header>
      <main className="dash-body">
        {error && <NoticeBanner notice={error} />}
        {stats && <StatsView stats={stats} history={history} />}
      </main>
    </div>
  );
}

function StatsView({ stats, history }: { stats: Stats; history: QueueSample[] }) {
  const xs = stats.throughput.map((p) => p.t);
  const healthy = stats.workers.filter((w) => w.healthy).length;
  // A bucket without finished jobs has no latency: it is a gap in the line, never 0 ms as if jobs took no time.
  const hasLatency = stats.throughput.some((p) => p.p50Ms !== undefined || p.p95Ms !== undefined);
  return (
    <>
      <div className="cards">
        <Metric label="Queue length" value={stats.queue.length}>
          <LineChart compact label="Queue length history" xs={history.map((h) => h.t)} series={[{ name: "length", color: "#8ab4f8", values: history.map((h) => h.length) }]} height={36} width={200} />
        </Metric>
        <Metric label="Queue lag" value={stats.queue.lag}>
          <LineChart compact label="Queue lag history" xs={history.map((h) => h.t)} series={[{ name: "lag", color: "#f2cc60", values: history.map((h) => h.lag) }]} height={36} width={200} />
        </Metric>
        <Metric label="Pending (unacked)" value={stats.queue.pending} />
        <Metric label="Workers healthy" value={`${healthy} / ${stats.workers.length}`} tone={healthy < stats.workers.length ? "warn" : undefined} />
        <Metric label="Dead letters" value={stats.deadLetters.count} tone={stats.deadLetters.count > 0 ? "bad" : undefined} />
      </div>
      <div className="grid2">
        <section className="card">
          <h2>
            Jobs per second <span className="muted">{span(xs)}</span>
          </h2>
          <LineChart label="Jobs completed per second" xs={xs} series={[{ name: "completed / s", color: "#7ee787", values: ratePerSecond(stats.throughput) }]} format={(v) => (Number.isInteger(v) ? String(v) : v.toFixed(1))} />
        </section>
        <section className="card">
          <h2>
            Latency <span className="muted">{span(xs)}</span>
          </h2>
          {hasLatency ? (
            <LineChart
              label="Job latency p50 and p95"
              xs={xs}
              series={[
                { name: "p50", color: "#8ab4f8", values: stats.throughput.map((p) => p.p50Ms ?? null) },
                { name: "p95", color: "#ff7b72", values: stats.throughput.map((p) => p.p95Ms ?? null) },
              ]}
              format={formatMs}
            />
          ) : (
            <p className="muted">This server does not report job latency.</p>
          )}
        </section>
      </div>
      <div className="grid2">
        <section className="card">
          <h2>Workers</h2>
          <table>
            <thead>
              <tr>
                <th>Worker</th>
                <th>Last heartbeat</th>
                <th>Running</th>
              </tr>
            </thead>
            <tbody>
              {stats.workers.map((w) => (
                <tr key={w.name}>
                  <td className="mono">
                    <span className={w.healthy ? "health ok" : "health down"} aria-label={w.healthy ? "healthy" : "unhealthy"} /> {w.name}
                  </td>
                  <td title={w.lastHeartbeat}>{ago(w.lastHeartbeat)}</td>
                  <td className="mono">
                    {w.running.length === 0
                      ? "idle"
                      : w.running.map((id) => (
                          <a key={id} href={`/jobs/${id}`} data-route className="job-chip">
                            {id.slice(0, 8)}
                          </a>
                        ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {stats.workers.length === 0 && <p className="muted">No live workers.</p>}
        </section>
        <section className="card">
          <h2>Consumers</h2>
          <table>
            <thead>
              <tr>
                <th>Consumer</th>
                <th>Pending</th>
                <th>Idle</th>
              </tr>
            </thead>
            <tbody>
              {stats.consumers.map((c) => (
                <tr key={c.name}>
                  <td className="mono">{c.name}</td>
                  <td>{c.pending}</td>
                  <td>{formatIdle(c.idleMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2 className="spaced">Verdicts</h2>
          <Verdicts counts={stats.verdicts} />
        </section>
      </div>
      <DeadLetters count={stats.deadLetters.count} />
    </>
  );
}

function Metric({ label, value, tone, children }: { label: string; value: number | string; tone?: "warn" | "bad"; children?: React.ReactNode }) {
  return (
    <section className={`card metric ${tone ?? ""}`}>
      <h3>{label}</h3>
      <div className="metric-value">{value}</div>
      {children}
    </section>
  );
}

function Verdicts({ counts }: { counts: Stats["verdicts"] }) {
  const entries = Object.entries(counts).filter(([, n]) => (n ?? 0) > 0) as [Verdict, number][];
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return <p className="muted">No finished jobs yet.</p>;
  return (
    <ul className="verdicts">
      {entries
        .sort((a, b) => b[1] - a[1])
        .map(([verdict, n]) => (
          <li key={verdict}>
            <span className="verdict-name">{verdictLabel(verdict)}</span>
            <span className="bar">
              <i className={`tone-${verdictTone(verdict)}`} style={{ width: `${(n / total) * 100}%` }} />
            </span>
            <span className="verdict-count">{n}</span>
          </li>
        ))}
    </ul>
  );
}

function formatMs(v: number): string {
  if (v >= 1000) return `${(v / 1000).toFixed(1)}s`;
  return v < 10 && !Number.isInteger(v) ? `${v.toFixed(1)}ms` : `${Math.round(v)}ms`;
}

function span(xs: number[]): string {
  if (xs.length < 2) return "";
  const minutes = Math.round((xs[xs.length - 1] - xs[0]) / 60_000);
  return minutes >= 1 ? `· last ${minutes} min` : `· last ${Math.round((xs[xs.length - 1] - xs[0]) / 1000)} s`;
}

function ago(iso: string): string {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (Number.isNaN(seconds)) return iso;
  return seconds < 60 ? `${seconds}s ago` : `${Math.floor(seconds / 60)}m ${seconds % 60}s ago`;
}

function formatIdle(ms: number): string {
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}
