import { Component } from "preact/compat";
import * as React from "react";
import { createRoot } from "react-dom/client";
import { describe, expect, it } from "vitest";

describe("the component tests' core", () => {
  it("is Preact's React-compatible core, as in the production build", () => {
    expect(React.Component).toBe(Component);
    const root = document.createElement("div");
    createRoot(root).render(<p>rendered</p>);
    // Preact renders synchronously into the container; React 19 would still have nothing here.
    expect(root.textContent).toBe("rendered");
  });
});
