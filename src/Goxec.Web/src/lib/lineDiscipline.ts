/**
 * The program's stdin is a pipe, not a tty, so the terminal does what a tty's
 * line discipline would: echo, backspace, and send whole lines on Enter.
 * Ctrl+C interrupts and Ctrl+D ends input (or flushes a partial line).
 */
export type LineResult = {
  buffer: string;
  /** What to write to the terminal so the user sees their typing. */
  echo: string;
  /** Data for the program's stdin, in order. */
  send: string[];
  eof: boolean;
  interrupt: boolean;
};

export function feed(buffer: string, data: string): LineResult {
  const result: LineResult = { buffer, echo: "", send: [], eof: false, interrupt: false };
  const text = data.replace(/\r\n/g, "\r");
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\x1b") {
      // Arrow keys and other escape sequences: no line editing beyond backspace.
      const match = /^\x1b(\[[0-9;?]*[ -/]*[@-~]|O.|.)?/.exec(text.slice(i));
      i += (match?.[0].length ?? 1) - 1;
    } else if (ch === "\r" || ch === "\n") {
      result.send.push(result.buffer + "\n");
      result.buffer = "";
      result.echo += "\r\n";
    } else if (ch === "\x7f" || ch === "\b") {
      if (result.buffer.length > 0) {
        result.buffer = Array.from(result.buffer).slice(0, -1).join("");
        result.echo += "\b \b";
      }
    } else if (ch === "\x03") {
      result.buffer = "";
      result.echo += "^C\r\n";
      result.interrupt = true;
    } else if (ch === "\x04") {
      if (result.buffer === "") result.eof = true;
      else result.send.push(result.buffer);
      result.buffer = "";
    } else if (ch === "\t" || ch >= " ") {
      result.buffer += ch;
      result.echo += ch;
    }
  }
  return result;
}
