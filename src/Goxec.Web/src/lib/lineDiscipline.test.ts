import { describe, expect, it } from "vitest";
import { feed } from "./lineDiscipline";

describe("line discipline", () => {
  it("echoes typing and sends the line on Enter", () => {
    const typed = feed("", "Ad");
    expect(typed).toMatchObject({ buffer: "Ad", echo: "Ad", send: [] });
    const entered = feed(typed.buffer, "a\r");
    expect(entered).toMatchObject({ buffer: "", echo: "a\r\n", send: ["Ada\n"] });
  });

  it("edits with backspace and ignores arrow keys", () => {
    expect(feed("abc", "\x7f\x1b[D\x1b[A")).toMatchObject({ buffer: "ab", echo: "\b \b" });
    expect(feed("", "\x7f")).toMatchObject({ buffer: "", echo: "" });
  });

  it("splits pasted text into lines", () => {
    expect(feed("", "1 2\r\n3 4\nrest").send).toEqual(["1 2\n", "3 4\n"]);
  });

  it("interrupts on Ctrl+C and ends input on Ctrl+D", () => {
    expect(feed("partial", "\x03")).toMatchObject({ buffer: "", interrupt: true });
    expect(feed("", "\x04")).toMatchObject({ eof: true, send: [] });
    expect(feed("abc", "\x04")).toMatchObject({ eof: false, send: ["abc"] });
  });
});
