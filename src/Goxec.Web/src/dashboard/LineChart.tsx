import { niceMax, pathOf, toPoints } from "../lib/chartScale";

/** One line; a null value means "no data" and leaves a gap rather than a drop to 0. */
export type Series = { name: string; color: string; values: (number | null)[] };

type Props = {
  xs: number[];
  series: Series[];
  height?: number;
  width?: number;
  format?: (value: number) => string;
  /** Sparkline: no axis labels, no legend. */
  compact?: boolean;
  label: string;
};

/** A small hand-drawn SVG line chart; it scales to its container's width. */
export function LineChart({ xs, series, height = 140, width = 520, format = String, compact = false, label }: Props) {
  const pad = compact ? 2 : 8;
  const left = compact ? 0 : 44;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null))));
  const plot = { width: width - left, height, pad };
  const grid = compact ? [] : [0, 0.5, 1];
  return (
    <figure className={compact ? "chart compact" : "chart"}>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
        {grid.map((fraction) => {
          const y = pad + (1 - fraction) * (height - 2 * pad);
          return (
            <g key={fraction}>
              <line x1={left} x2={width} y1={y} y2={y} className="grid" />
              <text x={left - 6} y={y + 4} textAnchor="end" className="axis">
                {format(max * fraction)}
              </text>
            </g>
          );
        })}
        <g transform={`translate(${left} 0)`}>
          {series.map((s) => {
            const points = toPoints(xs, s.values, plot, max);
            const only = points.length === 1 ? points[0] : undefined;
            const line = only ? `M${pad} ${only.y} L${plot.width - pad} ${only.y}` : pathOf(points);
            if (line === "") return null;
            return <path key={s.name} d={line} stroke={s.color} className="series" />;
          })}
        </g>
      </svg>
      {!compact && (
        <figcaption>
          {series.map((s) => (
            <span key={s.name} className="legend">
              <i style={{ background: s.color }} />
              {s.name}
            </span>
          ))}
        </figcaption>
      )}
    </figure>
  );
}
