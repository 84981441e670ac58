import { useCallback, useEffect, useState } from "react";
import { api, type DeadLetter } from "../api";
import { useAdminKey } from "../hooks/useAdminKey";
import { describeError, type Notice } from "../lib/problems";

type Props = {
  /** The count from /stats: a change means the list is worth fetching again. */
  count: number;
};

export function DeadLetters({ count }: Props) {
  const [adminKey, setAdminKey] = useAdminKey();
  const [draftKey, setDraftKey] = useState("");
  const [items, setItems] = useState<DeadLetter[]>([]);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [retried, setRetried] = useState<Record<string, "pending" | "done">>({});

  const refresh = useCallback(
    (signal?: AbortSignal) =>
      api
        .deadLetters(adminKey || null, signal)
        .then((list) => {
          setItems(Array.isArray(list) ? list : []);
          setNotice(null);
        })
        .catch((error: unknown) => {
          if (!signal?.aborted) setNotice(describeError(error));
        }),
    [adminKey],
  );

  useEffect(() => {
    const abort = new AbortController();
    void refresh(abort.signal);
    return () => abort.abort();
  }, [refresh, count]);

  const retry = async (id: string) => {
    setRetried((r) => ({ ...r, [id]: "pending" }));
    try {
      await api.retryDeadLetter(id, adminKey);
      setRetried((r) => ({ ...r, [id]: "done" }));
      void refresh();
    } catch (error) {
      setRetried((r) => {
        const { [id]: _, ...rest } = r;
        return rest;
      });
      setNotice(describeError(error));
    }
  };

  return (
    <section className="card wide" aria-label="Dead letters">
      <header className="card-head">
        <h2>
          Dead letters <span className="count">{count}</span>
        </h2>
        {adminKey ? (
          <span className="admin">
            Admin key set
            <button type="button" className="link-button" onClick={() => setAdminKey("")}>
              Forget
            </button>
          </span>
        ) : (
          <form
            className="admin"
            onSubmit={(e) => {
              e.preventDefault();
              setAdminKey(draftKey);
              setDraftKey("");
            }}
          >
            <input type="password" placeholder="Admin key (to retry)" value={draftKey} onChange={(e) => setDraftKey(e.target.value)} autoComplete="off" />
            <button type="submit" disabled={!draftKey.trim()}>
              Use key
            </button>
          </form>
        )}
      </header>
      {notice && (
        <p className="error-line" role="alert">
          {notice.title} {notice.details.join(" ")}
        </p>
      )}
      {items.length === 0 ? (
        <p className="muted">No dead letters.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Job</th>
              <th>Reason</th>
              <th>Last error</th>
              <th>Attempts</th>
              <th>Worker</th>
              <th>At</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id}>
                <td>
                  <a href={`/jobs/${item.id}`} data-route className="mono">
                    {item.id.slice(0, 12)}
                  </a>
                </td>
                <td>{item.reason}</td>
                <td className="mono clip" title={item.error ?? ""}>
                  {item.error ?? "—"}
                </td>
                <td>{item.attempts}</td>
                <td className="mono">{item.worker ?? "—"}</td>
                <td title={item.at ?? ""}>{item.at ? new Date(item.at).toLocaleTimeString() : "—"}</td>
                <td>
                  <button
                    type="button"
                    disabled={!adminKey || retried[item.id] !== undefined}
                    title={adminKey ? "Queue the job again" : "Paste the admin key first"}
                    onClick={() => void retry(item.id)}
                  >
                    {retried[item.id] === "done" ? "Queued" : retried[item.id] === "pending" ? "Retrying…" : "Retry"}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
