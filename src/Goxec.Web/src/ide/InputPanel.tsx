type Props = {
  stdin: string;
  args: string;
  interactive: boolean;
  onStdin: (value: string) => void;
  onArgs: (value: string) => void;
  onInteractive: (value: boolean) => void;
};

export function InputPanel({ stdin, args, interactive, onStdin, onArgs, onInteractive }: Props) {
  return (
    <div className="input-panel">
      <label className="field">
        <span>Arguments</span>
        <input value={args} onChange={(e) => onArgs(e.target.value)} placeholder="e.g. --verbose 'two words'" spellCheck={false} />
      </label>
      <label className="field grow">
        <span>Stdin</span>
        <textarea
          value={stdin}
          onChange={(e) => onStdin(e.target.value)}
          placeholder={interactive ? "Sent first; then type in the terminal." : "The program's whole input."}
          spellCheck={false}
        />
      </label>
      <label className="check">
        <input type="checkbox" checked={interactive} onChange={(e) => onInteractive(e.target.checked)} />
        <span>Interactive: keep stdin open and send what I type in the terminal</span>
      </label>
    </div>
  );
}
