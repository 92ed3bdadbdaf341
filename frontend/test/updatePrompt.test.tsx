import { act, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { UpdatePrompt } from "../src/pwa/UpdatePrompt";
import { setPendingUpdate } from "../src/pwa/updateStore";

afterEach(() => setPendingUpdate(null));

describe("UpdatePrompt", () => {
  it("says nothing until a new version waits, then offers to reload onto it", () => {
    render(<UpdatePrompt />);
    expect(screen.queryByTestId("update-prompt")).toBeNull();
    let applied = 0;
    act(() =>
      setPendingUpdate({
        apply: async () => {
          applied += 1;
        },
      }),
    );
    expect(screen.getByRole("status").textContent).toMatch(/A new version is available\./);
    fireEvent.click(screen.getByRole("button", { name: "Reload" }));
    expect(applied).toBe(1);
    const reloading = screen.getByRole("button", { name: "Reloading…" }) as HTMLButtonElement;
    expect(reloading.disabled).toBe(true);
  });

  it("hides on Later, and comes back for the next new version", () => {
    render(<UpdatePrompt />);
    act(() => setPendingUpdate({ apply: async () => undefined }));
    fireEvent.click(screen.getByRole("button", { name: "Later" }));
    expect(screen.queryByTestId("update-prompt")).toBeNull();
    act(() => setPendingUpdate({ apply: async () => undefined }));
    expect(screen.getByTestId("update-prompt").textContent).toMatch(/A new version is available/);
  });
});
