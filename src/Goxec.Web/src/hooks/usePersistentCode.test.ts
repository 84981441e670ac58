import { act, renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { usePersistentCode } from "./usePersistentCode";

describe("usePersistentCode", () => {
  it("starts from the template and keeps edits per language across reloads", () => {
    const first = renderHook(({ id, template }) => usePersistentCode(id, template, localStorage), {
      initialProps: { id: "python", template: "print(1)\n" },
    });
    expect(first.result.current.code).toBe("print(1)\n");
    act(() => first.result.current.setCode("print(2)\n"));
    expect(first.result.current.code).toBe("print(2)\n");

    first.rerender({ id: "cpp", template: "int main(){}\n" });
    expect(first.result.current.code).toBe("int main(){}\n");
    act(() => first.result.current.setCode("int main(){return 1;}\n"));
    first.unmount();

    const reloaded = renderHook(({ id, template }) => usePersistentCode(id, template, localStorage), {
      initialProps: { id: "python", template: "print(1)\n" },
    });
    expect(reloaded.result.current.code).toBe("print(2)\n");
    reloaded.rerender({ id: "cpp", template: "int main(){}\n" });
    expect(reloaded.result.current.code).toBe("int main(){return 1;}\n");
  });

  it("shows a job's code without saving it over the draft", () => {
    localStorage.setItem("goxec.code.python", "draft");
    const hook = renderHook(() => usePersistentCode("python", "tpl", localStorage));
    act(() => hook.result.current.showCode("python", "shared code"));
    expect(hook.result.current.code).toBe("shared code");
    expect(localStorage.getItem("goxec.code.python")).toBe("draft");
  });

  it("forgets a draft that is back to the template, so a newer template shows", () => {
    localStorage.setItem("goxec.code.python", "draft");
    const hook = renderHook(() => usePersistentCode("python", "tpl", localStorage));
    act(() => hook.result.current.setCode("tpl"));
    expect(localStorage.getItem("goxec.code.python")).toBeNull();
  });

  it("works without storage", () => {
    const hook = renderHook(() => usePersistentCode("python", "tpl", undefined));
    act(() => hook.result.current.setCode("x"));
    expect(hook.result.current.code).toBe("x");
  });
});
