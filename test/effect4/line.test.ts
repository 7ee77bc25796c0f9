import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import { describe, expect, it } from "vitest"

describe("the Effect 4 line", () => {
  it("resolves effect to effect 4 for the binding and its tests", async () => {
    const pkg = await import("effect/package.json", { with: { type: "json" } })
    expect(pkg.default.version).toMatch(/^4\./)
    expect(typeof Logger.consoleJson).toBe("object")
    expect(await Effect.runPromise(Effect.succeed(1))).toBe(1)
  })
})
