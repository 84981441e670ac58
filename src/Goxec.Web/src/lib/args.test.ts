import { describe, expect, it } from "vitest";
import { formatArgs, parseArgs } from "./args";

describe("args", () => {
  it("splits on whitespace and honours quotes and escapes", () => {
    expect(parseArgs("")).toEqual([]);
    expect(parseArgs("  a  b ")).toEqual(["a", "b"]);
    expect(parseArgs(`--name 'two words' "say \\"hi\\"" a\\ b ''`)).toEqual(["--name", "two words", 'say "hi"', "a b", ""]);
  });

  it("round-trips through formatArgs", () => {
    const args = ["plain", "two words", "it's", ""];
    expect(parseArgs(formatArgs(args))).toEqual(args);
  });
});
