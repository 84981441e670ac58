/** A linear map from a data domain onto pixels; a flat domain maps to the range's middle. */
export function linearScale(domain: [number, number], range: [number, number]): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (value) => r0 + (value - d0) * k;
}

/** The smallest 1/2/5 × 10^n at or above max, so axes end on round numbers. Never below `floor`. */
export function niceMax(max: number, floor = 1): number {
  const target = Math.max(max, floor);
  if (!Number.isFinite(target) || target <= 0) return floor;
  const power = 10 ** Math.floor(Math.log10(target));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= target - 1e-9) return step * power;
  }
  return 10 * power;
}

export type Point = { x: number; y: number };

/** Screen points for series values over time: x spans [x0, x1], y is 0 at the bottom; a missing value (null) stays a gap. */
export function toPoints(
  xs: number[],
  ys: (number | null)[],
  size: { width: number; height: number; pad: number },
  yMax: number,
): (Point | null)[] {
  if (xs.length === 0) return [];
  const x = linearScale([xs[0], xs[xs.length - 1]], [size.pad, size.width - size.pad]);
  const y = linearScale([0, yMax], [size.height - size.pad, size.pad]);
  return xs.map((t, i) => {
    const value = ys[i];
    return value === null ? null : { x: x(t), y: y(Math.max(0, value ?? 0)) };
  });
}

/**
 * An SVG path through the points ("M x y L x y …"), rounded to a tenth of a pixel. A gap starts a
 * new sub-path, so no line is drawn across buckets without data; a lone point is a dot (round caps).
 */
export function pathOf(points: (Point | null)[]): string {
  const parts: string[] = [];
  let drawing = false;
  points.forEach((p, i) => {
    if (p === null) {
      drawing = false;
      return;
    }
    const lone = !drawing && (points[i + 1] ?? null) === null;
    parts.push(`${drawing ? "L" : "M"}${round(p.x)} ${round(p.y)}${lone ? " h0" : ""}`);
    drawing = true;
  });
  return parts.join(" ");
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Completed-per-bucket counts as jobs per second, using each bucket's width (its gap to the previous one). */
export function ratePerSecond(points: { t: number; completed: number }[]): number[] {
  return points.map((point, i) => {
    const gap = i > 0 ? point.t - points[i - 1].t : points.length > 1 ? points[1].t - points[0].t : 0;
    return gap > 0 ? (point.completed * 1000) / gap : point.completed;
  });
}
