import type { Notice } from "../lib/problems";

export function NoticeBanner({ notice, onDismiss }: { notice: Notice; onDismiss?: () => void }) {
  return (
    <div className="notice" role="alert">
      <div>
        <strong>{notice.title}</strong>
        {notice.details.length > 0 && (
          <ul>
            {notice.details.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        )}
      </div>
      {onDismiss && (
        <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
          ×
        </button>
      )}
    </div>
  );
}
