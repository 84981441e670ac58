/** Splits an argument line like a shell would for quoting only: "a 'b c'" → ["a", "b c"]. No expansion. */
export function parseArgs(line: string): string[] {
  const args: string[] = [];
  let current = "";
  let quote: '"' | "'" | null = null;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === "\\" && quote === '"' && i + 1 < line.length) current += line[++i];
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (ch === "\\" && i + 1 < line.length) {
      current += line[++i];
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) args.push(current);
      current = "";
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (started) args.push(current);
  return args;
}

/** The inverse, for showing a stored job's args in the box. */
export function formatArgs(args: string[]): string {
  return args.map((arg) => (arg === "" || /[\s'"\\]/.test(arg) ? `'${arg.replaceAll("'", `'"'"'`)}'` : arg)).join(" ");
}
