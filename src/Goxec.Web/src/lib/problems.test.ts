import { describe, expect, it } from "vitest";
import { ApiError, parseRetryAfter } from "../api";
import { describeClose, describeError } from "./problems";

describe("describeError", () => {
  it("lists each field's validation errors", () => {
    const error = new ApiError(400, { title: "The job is not valid.", status: 400, errors: { code: ["The code must not be empty."], "limits.cpuTimeMs": ["At most 10000."] } }, null);
    expect(describeError(error)).toEqual({
      title: "The job is not valid.",
      details: ["Code: The code must not be empty.", "Limit cpuTimeMs: At most 10000."],
      retryAfterSeconds: null,
    });
  });

  it("falls back to the detail of a 400 without field errors", () => {
    expect(describeError(new ApiError(400, { title: "Bad", detail: "Body is not JSON." }, null)).details).toEqual(["Body is not JSON."]);
  });

  it("says when to retry after a rate limit", () => {
    const notice = describeError(new ApiError(429, null, 7));
    expect(notice.title).toMatch(/rate limited/);
    expect(notice.details).toEqual(["Try again in 7 s."]);
    expect(notice.retryAfterSeconds).toBe(7);
  });

  it("explains a full queue and a too-large job", () => {
    expect(describeError(new ApiError(503, null, null)).title).toBe("The queue is full.");
    expect(describeError(new ApiError(503, null, null)).details).toEqual(["Try again in a moment."]);
    expect(describeError(new ApiError(413, null, null)).title).toBe("The job is too large.");
  });

  it("handles an unreachable server and plain errors", () => {
    expect(describeError(new ApiError(0, null, null)).title).toBe("Cannot reach the Goxec server.");
    expect(describeError(new Error("boom")).title).toBe("boom");
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("12")).toBe(12);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter("soon")).toBeNull();
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", now)).toBe(30);
  });
});

describe("describeClose", () => {
  it("is silent for a normal close and specific for the server's codes", () => {
    expect(describeClose(1000, "")).toBeNull();
    expect(describeClose(4413, "")?.title).toMatch(/Too much input/);
    expect(describeClose(4408, "")?.title).toMatch(/in time/);
    expect(describeClose(4008, "")?.title).toMatch(/keep up/);
    expect(describeClose(4400, "language missing")?.details).toEqual(["language missing"]);
  });
});
