import { useEffect, useState } from "react";
import { fetchLanguages, type Language } from "./languages";

export function App() {
  const [languages, setLanguages] = useState<Language[] | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    fetchLanguages(abort.signal).then(setLanguages);
    return () => abort.abort();
  }, []);

  return (
    <main>
      <h1>Goxec</h1>
      <p>
        A distributed remote code execution engine: send a program over HTTP or WebSocket,
        it runs in a throwaway sandboxed container, and its output streams back live.
      </p>
      <p className="muted">The browser IDE is coming; the HTTP API is at <code>/api/v1</code>.</p>
      {languages && languages.length > 0 && (
        <section>
          <h2>Languages</h2>
          <ul>
            {languages.map((language) => (
              <li key={language.id}>
                {language.name}
                {language.version && <span className="muted"> — {language.version}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
