import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AdminKeyForm } from "./AdminKeyForm";
import { DeadLetters } from "./DeadLetters";

const letter = { id: "abc123", reason: "max_deliveries", error: "boom", attempts: 5, worker: "w1", at: "2025-01-01T00:00:00Z" };

function respond(status: number, body: unknown) {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

describe("DeadLetters", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    sessionStorage.clear();
  });

  it("retries with the pasted admin key as a bearer token, kept only in sessionStorage", async () => {
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      void init;
      return url.endsWith("/retry") ? respond(202, undefined) : respond(200, [letter]);
    });
    vi.stubGlobal("fetch", fetchMock);
    render(
      <>
        <AdminKeyForm />
        <DeadLetters count={1} />
      </>,
    );
    const retry = await screen.findByRole("button", { name: "Retry" });
    expect((retry as HTMLButtonElement).disabled).toBe(true);

    fireEvent.change(screen.getByPlaceholderText("Admin key"), { target: { value: " s3cret " } });
    fireEvent.click(screen.getByRole("button", { name: "Use key" }));
    expect(sessionStorage.getItem("goxec.adminKey")).toBe("s3cret");
    expect(localStorage.getItem("goxec.adminKey")).toBeNull();

    fireEvent.click(await screen.findByRole("button", { name: "Retry" }));
    await waitFor(() => expect(fetchMock.mock.calls.some(([url]) => url.endsWith("/retry"))).toBe(true));
    const [, init] = fetchMock.mock.calls.find(([url]) => url === "/api/v1/dead-letters/abc123/retry")!;
    expect(init?.method).toBe("POST");
    expect((init?.headers as Record<string, string>).Authorization).toBe("Bearer s3cret");
  });

  it("says so when the key is refused", async () => {
    sessionStorage.setItem("goxec.adminKey", "wrong");
    vi.stubGlobal("fetch", vi.fn(async (url: string) => (url.endsWith("/retry") ? respond(401, { title: "Unauthorized" }) : respond(200, [letter]))));
    render(<DeadLetters count={1} />);
    fireEvent.click(await screen.findByRole("button", { name: "Retry" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/Not allowed/);
  });
});
