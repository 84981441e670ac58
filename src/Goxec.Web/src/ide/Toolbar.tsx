import type { Language } from "../api";
import type { RunPhase } from "../run/runState";

type Props = {
  languages: Language[];
  languageId: string;
  onLanguage: (id: string) => void;
  phase: RunPhase;
  reconnecting: boolean;
  canRun: boolean;
  canStop: boolean;
  onRun: () => void;
  onStop: () => void;
  jobId: string | null;
};

const phaseLabels: Record<RunPhase, string> = {
  idle: "Ready",
  connecting: "Connecting…",
  queued: "Queued",
  running: "Running",
  finished: "Finished",
  failed: "Failed",
};

export function Toolbar(props: Props) {
  const { languages, languageId, phase } = props;
  return (
    <header className="toolbar">
      <a className="brand" href="/" data-route>
        <span className="brand-mark">▸</span> Goxec
      </a>
      <select aria-label="Language" value={languageId} onChange={(e) => props.onLanguage(e.target.value)} disabled={languages.length === 0}>
        {languages.length === 0 && <option value="">No languages</option>}
        {languages.map((language) => (
          <option key={language.id} value={language.id}>
            {language.name}
            {language.version ? ` — ${language.version}` : ""}
          </option>
        ))}
      </select>
      <button type="button" className="primary" onClick={props.onRun} disabled={!props.canRun} title="Run (Ctrl+Enter)">
        ▶ Run <kbd>Ctrl+↵</kbd>
      </button>
      <button type="button" className="danger" onClick={props.onStop} disabled={!props.canStop} title="Stop the program">
        ■ Stop
      </button>
      <span className={`pill pill-${phase}`} aria-live="polite">
        {props.reconnecting ? "Reconnecting…" : phaseLabels[phase]}
      </span>
      {props.jobId && <ShareLink jobId={props.jobId} />}
      <nav className="toolbar-end">
        <a href="/dashboard" data-route>
          Dashboard
        </a>
      </nav>
    </header>
  );
}

function ShareLink({ jobId }: { jobId: string }) {
  const path = `/jobs/${jobId}`;
  const copy = () => void navigator.clipboard?.writeText(new URL(path, window.location.href).toString());
  return (
    <span className="share">
      <a href={path} data-route title="Shareable link to this job">
        {path}
      </a>
      <button type="button" className="link-button" onClick={copy} title="Copy the full link">
        Copy
      </button>
    </span>
  );
}
