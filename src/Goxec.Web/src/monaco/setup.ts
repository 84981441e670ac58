// Monaco, bundled locally: the editor core, the editing features an IDE needs,
// and syntax highlighting (Monarch tokenizers, each a small lazily loaded chunk)
// for the languages a runner is likely to offer. No language services (TS/JSON/
// CSS/HTML workers) and nothing from a CDN: the page works offline.
import * as monaco from "monaco-editor/editor/editor.api";
import EditorWorker from "monaco-editor/editor/editor.worker?worker";

import "monaco-editor/features/codicon/register";
import "monaco-editor/features/bracketMatching/register";
import "monaco-editor/features/caretOperations/register";
import "monaco-editor/features/clipboard/register";
import "monaco-editor/features/comment/register";
import "monaco-editor/features/contextmenu/register";
import "monaco-editor/features/cursorUndo/register";
import "monaco-editor/features/find/register";
import "monaco-editor/features/folding/register";
import "monaco-editor/features/fontZoom/register";
import "monaco-editor/features/gotoLine/register";
import "monaco-editor/features/hover/register";
import "monaco-editor/features/indentation/register";
import "monaco-editor/features/linesOperations/register";
import "monaco-editor/features/multicursor/register";
import "monaco-editor/features/smartSelect/register";
import "monaco-editor/features/suggest/register";
import "monaco-editor/features/tokenization/register";
import "monaco-editor/features/wordHighlighter/register";
import "monaco-editor/features/wordOperations/register";

// Every editorLanguage a runtime.yaml names (tests/Goxec.Tests/Languages/CatalogTests checks it).
import "monaco-editor/languages/definitions/clojure/register";
import "monaco-editor/languages/definitions/coffee/register";
import "monaco-editor/languages/definitions/cpp/register";
import "monaco-editor/languages/definitions/csharp/register";
import "monaco-editor/languages/definitions/elixir/register";
import "monaco-editor/languages/definitions/fsharp/register";
import "monaco-editor/languages/definitions/go/register";
import "monaco-editor/languages/definitions/java/register";
import "monaco-editor/languages/definitions/javascript/register";
import "monaco-editor/languages/definitions/kotlin/register";
import "monaco-editor/languages/definitions/lua/register";
import "monaco-editor/languages/definitions/m3/register";
import "monaco-editor/languages/definitions/objective-c/register";
import "monaco-editor/languages/definitions/pascal/register";
import "monaco-editor/languages/definitions/perl/register";
import "monaco-editor/languages/definitions/php/register";
import "monaco-editor/languages/definitions/postiats/register";
import "monaco-editor/languages/definitions/python/register";
import "monaco-editor/languages/definitions/r/register";
import "monaco-editor/languages/definitions/ruby/register";
import "monaco-editor/languages/definitions/rust/register";
import "monaco-editor/languages/definitions/scala/register";
import "monaco-editor/languages/definitions/scheme/register";
import "monaco-editor/languages/definitions/shell/register";
import "monaco-editor/languages/definitions/sql/register";
import "monaco-editor/languages/definitions/swift/register";
import "monaco-editor/languages/definitions/systemverilog/register";
import "monaco-editor/languages/definitions/tcl/register";
import "monaco-editor/languages/definitions/typescript/register";
import "monaco-editor/languages/definitions/vb/register";

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

monaco.editor.defineTheme("goxec-dark", {
  base: "vs-dark",
  inherit: true,
  rules: [],
  colors: {
    "editor.background": "#14171c",
    "editor.lineHighlightBackground": "#1c2028",
    "editorGutter.background": "#14171c",
    "editorLineNumber.foreground": "#4b5263",
  },
});

/** The editor language for a server's `editorLanguage`, or plain text when Monaco does not know it. */
export function editorLanguageOf(id: string | undefined): string {
  if (!id) return "plaintext";
  const known = monaco.languages.getLanguages().some((language) => language.id === id);
  return known ? id : "plaintext";
}

export { monaco };
