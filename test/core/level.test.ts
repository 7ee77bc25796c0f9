/**
 * The level tables of the Effect-free core, without Effect.
 */
import { describe, expect, it } from "vitest"
import { levelOf, levelOfOrdinal, levelOrdinal, parseLevel } from "../../src/core/level.js"

describe("core/level", () => {
  it("parses every accepted spelling, case-insensitively, and nothing else", () => {
    expect(["TRACE", "debug", " Info ", "warn", "WARNING", "error", "fatal", "Critical"].map(parseLevel)).toEqual([
      "trace",
      "debug",
      "info",
      "warning",
      "warning",
      "error",
      "critical",
      "critical"
    ])
    expect([parseLevel("loud"), parseLevel("constructor"), parseLevel("__proto__"), levelOf(3)]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined
    ])
  })

  it("orders the levels with Effect's ordinals, and maps any ordinal back", () => {
    expect(levelOrdinal).toEqual({ trace: 0, debug: 10000, info: 20000, warning: 30000, error: 40000, critical: 50000 })
    expect([Number.MIN_SAFE_INTEGER, 0, 10000, 25000, 30000, 40000, 50000, Number.MAX_SAFE_INTEGER].map(levelOfOrdinal))
      .toEqual(["trace", "trace", "debug", "info", "warning", "error", "critical", "critical"])
  })
})
