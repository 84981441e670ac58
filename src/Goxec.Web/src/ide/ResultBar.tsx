import type { Job } from "../api";
import { summarize } from "../lib/verdict";

/** The verdict and its numbers after a run. */
export function ResultBar({ job }: { job: Job }) {
  const summary = summarize(job);
  return (
    <section className="result-bar" aria-label="Result">
      <span className={`verdict verdict-${summary.tone}`}>{summary.label}</span>
      <dl className="facts">
        {summary.facts.map((fact) => (
          <div key={fact.label}>
            <dt>{fact.label}</dt>
            <dd title={fact.note}>{fact.value}</dd>
          </div>
        ))}
      </dl>
      {summary.message && <p className="result-message">{summary.message}</p>}
      {summary.encodingNote && <p className="result-note">{summary.encodingNote}</p>}
    </section>
  );
}
