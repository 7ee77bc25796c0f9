/**
 * The drivers' contract helpers without Effect: marking a failed batch's error with the lines that went out whole,
 * and reading that count back.
 */
import { describe, expect, it } from "vitest"
import { linesWritten, withLinesWritten } from "../../src/core/driver.js"

describe("core/driver", () => {
  it("withLinesWritten marks the error itself and returns it; linesWritten reads the count back", () => {
    const e = new Error("no space left on device")
    const marked = withLinesWritten(e, 3)
    expect(marked).toBe(e)
    expect((e as { linesWritten?: number }).linesWritten).toBe(3)
    expect(linesWritten(marked)).toBe(3)
    const plain = {}
    expect(linesWritten(withLinesWritten(plain, 1))).toBe(1)
  })

  it("zero or negative lines leave the error unmarked", () => {
    const zero = new Error("a")
    const negative = new Error("b")
    withLinesWritten(zero, 0)
    withLinesWritten(negative, -2)
    expect(["linesWritten" in zero, "linesWritten" in negative]).toEqual([false, false])
    expect([linesWritten(zero), linesWritten(negative)]).toEqual([0, 0])
  })

  it("a primitive or null error is returned as it is, and counts no lines", () => {
    expect([withLinesWritten("boom", 2), withLinesWritten(null, 2), withLinesWritten(undefined, 2)]).toEqual([
      "boom",
      null,
      undefined
    ])
    expect([linesWritten("boom"), linesWritten(null), linesWritten(undefined), linesWritten(7)]).toEqual([0, 0, 0, 0])
  })

  it("a frozen error cannot be marked: every line of its batch counts as failed", () => {
    const frozen = Object.freeze(new Error("frozen"))
    expect(withLinesWritten(frozen, 4)).toBe(frozen)
    expect(linesWritten(frozen)).toBe(0)
  })

  it("linesWritten ignores a count that is not a positive integer", () => {
    const counts = [2.5, -1, 0, Number.NaN, Infinity, "3", 5].map((n) => linesWritten({ linesWritten: n }))
    expect(counts).toEqual([0, 0, 0, 0, 0, 0, 5])
  })
})
