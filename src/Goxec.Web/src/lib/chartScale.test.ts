import { describe, expect, it } from "vitest";
import { linearScale, niceMax, pathOf, ratePerSecond, toPoints } from "./chartScale";

describe("chart scaling", () => {
  it("maps a domain linearly onto a range, inverted for SVG's y", () => {
    const y = linearScale([0, 100], [90, 10]);
    expect(y(0)).toBe(90);
    expect(y(50)).toBe(50);
    expect(y(100)).toBe(10);
  });

  it("puts a flat domain in the middle", () => {
    expect(linearScale([5, 5], [0, 100])(5)).toBe(50);
  });

  it("rounds the top of the axis up to 1, 2 or 5 times a power of ten", () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(0.3, 0.1)).toBe(0.5);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(10)).toBe(10);
    expect(niceMax(11)).toBe(20);
    expect(niceMax(430)).toBe(500);
    expect(niceMax(Number.NaN)).toBe(1);
  });

  it("places points across the width and clamps negatives to the baseline", () => {
    const points = toPoints([1000, 2000, 3000], [0, 5, -2], { width: 110, height: 60, pad: 5 }, 10);
    expect(points).toEqual([
      { x: 5, y: 55 },
      { x: 55, y: 30 },
      { x: 105, y: 55 },
    ]);
    expect(pathOf(points)).toBe("M5 55 L55 30 L105 55");
    expect(toPoints([], [], { width: 1, height: 1, pad: 0 }, 1)).toEqual([]);
  });

  it("leaves a gap where a bucket has no value instead of dropping to 0", () => {
    const points = toPoints([0, 1, 2, 3, 4], [10, 10, null, null, 5], { width: 50, height: 20, pad: 0 }, 10);
    expect(points[2]).toBeNull();
    expect(points[3]).toBeNull();
    expect(pathOf(points)).toBe("M0 0 L12.5 0 M50 10 h0");
    expect(pathOf([null, null])).toBe("");
  });

  it("turns completed-per-bucket into jobs per second", () => {
    expect(ratePerSecond([
      { t: 0, completed: 20 },
      { t: 10_000, completed: 50 },
      { t: 20_000, completed: 0 },
    ])).toEqual([2, 5, 0]);
    expect(ratePerSecond([{ t: 0, completed: 3 }])).toEqual([3]);
  });
});
