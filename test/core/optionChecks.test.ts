/**
 * The `OptionChecks` contract, without Effect: a binding's checks built from the core's parsers and wording (a plain
 * `RangeError` standing in for the binding's `IllegalArgument` error, a `{ ms }` object for its `Duration`), and a
 * core module (the circuit breaker's settings) checking its options through them.
 */
import { describe, expect, it } from "vitest"
import { settingsOf } from "../../src/core/circuitBreaker.js"
import type { OptionChecks } from "../../src/core/optionChecks.js"
import { checkedOption, durationParsers, integerAtLeast, invalidOptionMessage } from "../../src/core/parse.js"

class IllegalArgument extends RangeError {}

const invalid = (where: string, name: string, value: unknown, accepted: string) =>
  new IllegalArgument(invalidOptionMessage(where, name, value, accepted))

const { duration } = durationParsers((input) =>
  typeof input === "object" && input !== null && "ms" in input ? (input as { ms: number }).ms : undefined
)

const checks: OptionChecks = {
  option: (where, name, value, parser) => checkedOption(where, name, value, parser, invalid),
  invalid,
  duration
}

const thrown = (f: () => unknown): unknown => {
  try {
    f()
  } catch (e) {
    return e
  }
  return undefined
}

describe("core/optionChecks", () => {
  it("option returns the parsed value, or throws the binding's error in the one wording", () => {
    expect(checks.option("Retry", "maxAttempts", " 4 ", integerAtLeast(1))).toBe(4)
    const e = thrown(() => checks.option("Retry", "maxAttempts", 0, integerAtLeast(1)))
    expect(e).toBeInstanceOf(IllegalArgument)
    expect((e as Error).message).toBe("Retry option maxAttempts: invalid value 0; accepted: a whole number >= 1")
  })

  it("duration reads numbers, texts and the binding's Duration as milliseconds", () => {
    const positive = checks.duration("positive")
    expect([250, "2 s", { ms: 7 }, 0, -1, Infinity, "soon"].map(positive.parse))
      .toEqual([250, 2000, 7, undefined, undefined, undefined, undefined])
    expect(checks.duration("finite", "a period").accepted).toBe("a period")
  })

  it("a core module checks its options and fills its defaults through the checks", () => {
    const settings = settingsOf({ failureThreshold: "3", resetTimeout: { ms: 500 } }, checks)
    expect({ ...settings, isFailure: settings.isFailure(new Error("x")) }).toEqual({
      name: "circuit",
      threshold: 3,
      halfOpenMax: 1,
      resetMs: 500,
      factor: 2,
      maxMs: 5000,
      isFailure: true
    })
  })

  it("a core module's bad option comes back as the binding's error, naming the option", () => {
    const messages = [
      () => settingsOf({ failureThreshold: 0 }, checks),
      () => settingsOf({ resetTimeout: "1 s", maxResetTimeout: "500 ms" }, checks),
      () => settingsOf(null as never, checks)
    ].map((f) => {
      const e = thrown(f)
      return e instanceof IllegalArgument ? e.message : e
    })
    expect(messages).toEqual([
      "CircuitBreaker option failureThreshold: invalid value 0; accepted: a whole number >= 1",
      "CircuitBreaker option maxResetTimeout: invalid value \"500 ms\"; accepted: a duration >= resetTimeout (1000 ms)",
      "CircuitBreaker options: invalid value null; accepted: an options object"
    ])
  })
})
