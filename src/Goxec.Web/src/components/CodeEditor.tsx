import { useEffect, useRef } from "react";
import { editorLanguageOf, monaco } from "../monaco/setup";

type Props = {
  value: string;
  language: string | undefined;
  onChange: (value: string) => void;
  /** Ctrl/Cmd+Enter inside the editor. */
  onRun: () => void;
  readOnly?: boolean;
};

/** A Monaco editor that follows `value` without fighting the user's cursor. */
export function CodeEditor({ value, language, onChange, onRun, readOnly = false }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  // What the editor itself last reported: React may render a value that lags behind
  // fast typing, and writing that back would eat keystrokes and move the cursor.
  const emitted = useRef(value);
  const callbacks = useRef({ onChange, onRun });
  callbacks.current = { onChange, onRun };

  useEffect(() => {
    const editor = monaco.editor.create(host.current as HTMLDivElement, {
      value,
      language: editorLanguageOf(language),
      theme: "goxec-dark",
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 14,
      fontFamily: "'JetBrains Mono', 'Fira Code', ui-monospace, Menlo, Consolas, monospace",
      scrollBeyondLastLine: false,
      padding: { top: 12 },
      tabSize: 4,
      renderLineHighlight: "line",
      smoothScrolling: true,
    });
    editorRef.current = editor;
    const changes = editor.onDidChangeModelContent(() => {
      emitted.current = editor.getValue();
      callbacks.current.onChange(emitted.current);
    });
    editor.addAction({
      id: "goxec.run",
      label: "Run",
      keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter],
      run: () => callbacks.current.onRun(),
    });
    return () => {
      changes.dispose();
      editor.dispose();
      editorRef.current = null;
    };
    // Created once; value and language are synced below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const editor = editorRef.current;
    // Only a value from outside (a language switch, a loaded job) replaces the text.
    if (!editor || value === emitted.current) return;
    emitted.current = value;
    if (editor.getValue() !== value) editor.setValue(value);
  }, [value]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (model) monaco.editor.setModelLanguage(model, editorLanguageOf(language));
  }, [language]);

  useEffect(() => {
    editorRef.current?.updateOptions({ readOnly });
  }, [readOnly]);

  return <div className="code-editor" ref={host} data-testid="code-editor" />;
}
