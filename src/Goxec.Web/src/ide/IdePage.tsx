import { useCallback, useEffect, useRef, useState } from "react";
import { api, type Language, type Limits } from "../api";
import { CodeEditor } from "../components/CodeEditor";
import { Terminal } from "../components/Terminal";
import { useLanguages } from "../hooks/useLanguages";
import { clampLimits, useLimits } from "../hooks/useLimits";
import { usePersistentCode } from "../hooks/usePersistentCode";
import { navigate } from "../hooks/useRoute";
import { formatArgs, parseArgs } from "../lib/args";
import { describeError, type Notice } from "../lib/problems";
import { isActive } from "../run/runState";
import { useJobRunner } from "../run/useJobRunner";
import { InputPanel } from "./InputPanel";
import { LimitsEditor } from "./LimitsEditor";
import { NoticeBanner } from "./NoticeBanner";
import { ResultBar } from "./ResultBar";
import { Toolbar } from "./Toolbar";
import { footerFor } from "./footer";

const languageKey = "goxec.language";
const missingCode: Notice = {
  title: "This job's code is not available",
  details: ["The server returned its result only; the editor shows your own draft."],
  retryAfterSeconds: null,
};
type Tab = "input" | "compile" | "limits";

/** Storage can be disabled or full; losing the last-used language is harmless. */
function safely<T>(action: () => T): T | undefined {
  try {
    return action();
  } catch {
    return undefined;
  }
}

function findLanguage(languages: Language[], id: string): Language | undefined {
  const needle = id.toLowerCase();
  return languages.find((l) => l.id === id) ?? languages.find((l) => l.aliases.some((a) => a.toLowerCase() === needle));
}

export function IdePage({ jobId }: { jobId: string | null }) {
  const { languages, loading, error: languagesError } = useLanguages();
  const [languageId, setLanguageId] = useState(() => safely(() => localStorage.getItem(languageKey)) ?? "");
  const language = findLanguage(languages, languageId) ?? languages[0];
  const { code, setCode, showCode } = usePersistentCode(language?.id ?? "", language?.template ?? "");
  // The editor's text as of the last keystroke, even before React has rendered it: Ctrl+Enter
  // straight after typing must run what is on screen.
  const latestCode = useRef(code);
  latestCode.current = code;
  const onEdit = useCallback(
    (next: string) => {
      latestCode.current = next;
      setCode(next);
    },
    [setCode],
  );
  const limitsInfo = useLimits().info;
  const [limits, setLimits] = useState<Limits | null>(null);
  const [stdin, setStdin] = useState("");
  const [argsText, setArgsText] = useState("");
  const [interactive, setInteractive] = useState(true);
  const [tab, setTab] = useState<Tab>("input");
  const [pageNotice, setPageNotice] = useState<Notice | null>(null);
  const runner = useJobRunner();
  const { state } = runner;
  const active = isActive(state.phase);

  const chooseLanguage = useCallback((id: string) => {
    setLanguageId(id);
    safely(() => localStorage.setItem(languageKey, id));
  }, []);

  // A run's first status names its job: give it a shareable URL (once, so "/" stays reachable).
  const routedJob = useRef<string | null>(jobId);
  useEffect(() => {
    if (state.jobId && state.jobId !== routedJob.current) {
      routedJob.current = state.jobId;
      navigate(`/jobs/${state.jobId}`);
    }
  }, [state.jobId]);

  // Opening /jobs/<id> (a reload, a shared link, back/forward) shows that job.
  const { load } = runner;
  useEffect(() => {
    if (!jobId || loading || jobId === state.jobId) return;
    routedJob.current = jobId;
    const abort = new AbortController();
    api
      .job(jobId, abort.signal)
      .then((job) => {
        const jobLanguage = findLanguage(languages, job.language);
        if (jobLanguage) chooseLanguage(jobLanguage.id);
        if (job.code != null) showCode(jobLanguage?.id ?? job.language, job.code);
        if (job.stdin != null) setStdin(job.stdin);
        if (job.args) setArgsText(formatArgs(job.args));
        // Without the job's code the editor shows the visitor's own draft: say so, or it reads as this job's program.
        setPageNotice(job.code == null ? missingCode : null);
        load(job, jobLanguage?.compiled ?? false);
      })
      .catch((error: unknown) => {
        if (!abort.signal.aborted) setPageNotice(describeError(error));
      });
    return () => abort.abort();
    // Only a change of route (or the languages arriving) loads a job; a run's own id is already shown.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [jobId, loading]);

  // A failed compile is the thing to look at.
  useEffect(() => {
    if (state.result?.verdict === "compile_error") setTab("compile");
  }, [state.result]);

  const effectiveLimits = limitsInfo ? clampLimits(limits ?? limitsInfo.defaults, limitsInfo.maxima) : undefined;

  const start = useCallback(() => {
    if (!language || active) return;
    setPageNotice(null);
    const request = { language: language.id, code: latestCode.current, stdin, args: parseArgs(argsText), limits: effectiveLimits };
    if (interactive) runner.run(request, language.compiled);
    else void runner.submit(request, language.compiled);
  }, [language, active, stdin, argsText, effectiveLimits, interactive, runner]);

  // Ctrl+Enter anywhere on the page (the editor handles its own and marks the event handled).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
      event.preventDefault();
      start();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [start]);

  const notice = pageNotice ?? state.notice ?? languagesError;
  const hasCompileOutput = state.compileOutput.length > 0;
  const placeholder =
    state.phase === "idle" ? "Press Run (Ctrl+Enter). Output appears here; in interactive mode, type here to feed the program's stdin." : null;

  return (
    <div className="ide">
      <Toolbar
        languages={languages}
        languageId={language?.id ?? ""}
        onLanguage={chooseLanguage}
        phase={state.phase}
        reconnecting={state.reconnecting}
        canRun={!!language && !active}
        canStop={active}
        onRun={start}
        onStop={runner.stop}
        jobId={state.jobId}
      />
      <main className="workspace">
        <section className="editor-pane" aria-label="Code">
          <CodeEditor value={code} language={language?.editorLanguage} onChange={onEdit} onRun={start} />
        </section>
        <section className="output-pane" aria-label="Output">
          {notice && <NoticeBanner notice={notice} onDismiss={pageNotice ? () => setPageNotice(null) : undefined} />}
          {state.result && <ResultBar job={state.result} />}
          <Terminal
            chunks={state.output}
            generation={state.generation}
            footer={footerFor(state)}
            placeholder={placeholder}
            inputEnabled={runner.canSendInput}
            onInput={runner.sendStdin}
            onEof={runner.sendEof}
            onInterrupt={() => runner.sendSignal("SIGINT")}
          />
          <div className="panel">
            <div className="tabs" role="tablist">
              <TabButton id="input" tab={tab} onSelect={setTab}>
                Input
              </TabButton>
              <TabButton id="compile" tab={tab} onSelect={setTab}>
                Compile output {hasCompileOutput && <span className="dot" aria-label="has output" />}
              </TabButton>
              {limitsInfo && (
                <TabButton id="limits" tab={tab} onSelect={setTab}>
                  Limits
                </TabButton>
              )}
            </div>
            <div className="tab-body">
              {tab === "input" && (
                <InputPanel
                  stdin={stdin}
                  args={argsText}
                  interactive={interactive}
                  onStdin={setStdin}
                  onArgs={setArgsText}
                  onInteractive={setInteractive}
                />
              )}
              {tab === "compile" && (
                <pre className="compile-output">
                  {hasCompileOutput ? state.compileOutput : language?.compiled ? "No compiler output." : `${language?.name ?? "This language"} is not compiled.`}
                </pre>
              )}
              {tab === "limits" && limitsInfo && effectiveLimits && (
                <LimitsEditor limits={limits ?? limitsInfo.defaults} maxima={limitsInfo.maxima} defaults={limitsInfo.defaults} onChange={setLimits} />
              )}
            </div>
          </div>
        </section>
      </main>
    </div>
  );
}

function TabButton({ id, tab, onSelect, children }: { id: Tab; tab: Tab; onSelect: (tab: Tab) => void; children: React.ReactNode }) {
  return (
    <button type="button" role="tab" aria-selected={tab === id} className={tab === id ? "tab active" : "tab"} onClick={() => onSelect(id)}>
      {children}
    </button>
  );
}
