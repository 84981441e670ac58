import { useEffect, useRef } from "react";
import { Terminal as XTerm } from "@xterm/xterm";
import { FitAddon } from "@xterm/addon-fit";
import "@xterm/xterm/css/xterm.css";
import { feed } from "../lib/lineDiscipline";
import type { OutputChunk } from "../run/runState";

type Props = {
  chunks: OutputChunk[];
  /** A new generation clears the screen: a new run or a loaded job. */
  generation: number;
  /** Written once, dimmed, after the output (e.g. "exited with code 0"). */
  footer: string | null;
  /** A hint shown on an empty, idle screen. */
  placeholder: string | null;
  inputEnabled: boolean;
  onInput: (data: string) => void;
  onEof: () => void;
  onInterrupt: () => void;
};

const red = "\x1b[38;2;255;123;114m";
const dim = "\x1b[38;2;110;118;129m";
const reset = "\x1b[0m";

export function Terminal(props: Props) {
  const host = useRef<HTMLDivElement>(null);
  const termRef = useRef<XTerm | null>(null);
  const written = useRef({ generation: -1, count: 0, footer: false, placeholder: false, atLineStart: true });
  const lineBuffer = useRef("");
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const term = new XTerm({
      convertEol: true,
      cursorBlink: true,
      fontSize: 13,
      fontFamily: "'JetBrains Mono', 'Fira Code', ui-monospace, Menlo, Consolas, monospace",
      scrollback: 5000,
      theme: { background: "#0f1115", foreground: "#d7dae0", cursor: "#8ab4f8", selectionBackground: "#2f3b52" },
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host.current as HTMLDivElement);
    termRef.current = term;
    const refit = () => {
      try {
        fit.fit();
      } catch {
        // Not laid out yet (hidden or zero-sized).
      }
    };
    refit();
    const observer = new ResizeObserver(refit);
    observer.observe(host.current as HTMLDivElement);

    const input = term.onData((data) => {
      const current = latest.current;
      if (!current.inputEnabled) return;
      const result = feed(lineBuffer.current, data);
      lineBuffer.current = result.buffer;
      if (result.echo) term.write(result.echo);
      for (const line of result.send) current.onInput(line);
      if (result.interrupt) current.onInterrupt();
      if (result.eof) current.onEof();
    });
    return () => {
      input.dispose();
      observer.disconnect();
      term.dispose();
      termRef.current = null;
      written.current = { generation: -1, count: 0, footer: false, placeholder: false, atLineStart: true };
    };
  }, []);

  useEffect(() => {
    const term = termRef.current;
    if (!term) return;
    const mark = written.current;
    if (mark.generation !== props.generation) {
      term.reset();
      lineBuffer.current = "";
      written.current = { generation: props.generation, count: 0, footer: false, placeholder: false, atLineStart: true };
    }
    const state = written.current;
    if (props.placeholder && props.chunks.length === 0 && !state.placeholder) {
      term.write(`${dim}${props.placeholder}${reset}\r\n`);
      state.placeholder = true;
    }
    for (let i = state.count; i < props.chunks.length; i++) {
      const chunk = props.chunks[i];
      term.write(chunk.stream === "stderr" ? `${red}${chunk.data}${reset}` : chunk.data);
      if (chunk.data.length > 0) state.atLineStart = chunk.data.endsWith("\n");
    }
    state.count = props.chunks.length;
    if (props.footer && !state.footer) {
      term.write(`${state.atLineStart ? "" : "\r\n"}${dim}${props.footer}${reset}\r\n`);
      state.footer = true;
    }
  }, [props.chunks, props.generation, props.footer, props.placeholder]);

  // The cursor shows only while typing reaches the program.
  useEffect(() => {
    const term = termRef.current;
    if (!term) return;
    term.write(props.inputEnabled ? "\x1b[?25h" : "\x1b[?25l");
    if (props.inputEnabled) term.focus();
  }, [props.inputEnabled, props.generation]);

  return (
    <div className="terminal">
      <div className="terminal-host" ref={host} data-testid="terminal" />
    </div>
  );
}
