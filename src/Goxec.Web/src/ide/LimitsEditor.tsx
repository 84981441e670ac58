import type { Limits } from "../api";

const fields: { key: keyof Limits; label: string; unit: string }[] = [
  { key: "cpuTimeMs", label: "CPU time", unit: "ms" },
  { key: "wallTimeMs", label: "Wall time", unit: "ms" },
  { key: "memoryMb", label: "Memory", unit: "MB" },
  { key: "maxProcesses", label: "Processes", unit: "" },
  { key: "maxOutputBytes", label: "Output", unit: "bytes" },
  { key: "maxFileSizeKb", label: "Files", unit: "KB" },
];

type Props = { limits: Limits; maxima: Limits; defaults: Limits; onChange: (limits: Limits) => void };

export function LimitsEditor({ limits, maxima, defaults, onChange }: Props) {
  return (
    <div className="limits">
      {fields.map(({ key, label, unit }) => (
        <label className="field" key={key}>
          <span>
            {label} {unit && <em>({unit})</em>}
          </span>
          <input
            type="number"
            min={1}
            max={maxima[key]}
            value={limits[key]}
            onChange={(e) => onChange({ ...limits, [key]: e.target.valueAsNumber })}
          />
          <small>max {maxima[key].toLocaleString()}</small>
        </label>
      ))}
      <button type="button" className="link-button" onClick={() => onChange(defaults)}>
        Reset to defaults
      </button>
    </div>
  );
}
