/**
 * A retry policy's arithmetic in the Effect-free core, without Effect: the checked policy, the wait before each
 * retry (backoff strategies, the cap, full and decorrelated jitter with explicit draws), when a policy stops, and
 * the fields of the retry lines.
 */
import { describe, expect, it } from "vitest"
import type { OptionChecks } from "../../src/core/optionChecks.js"
import { checkedOption, durationParsers, invalidOptionMessage } from "../../src/core/parse.js"
import {
  baseDelay,
  type CompiledPolicy,
  compilePolicy,
  exhaustedFields,
  initialState,
  needsDraw,
  nextDelay,
  type PolicyInput,
  retryAfter,
  retryingFields,
  stopBefore
} from "../../src/core/retry.js"

const invalid = (where: string, name: string, value: unknown, accepted: string) =>
  new Error(invalidOptionMessage(where, name, value, accepted))
const checks: OptionChecks = {
  option: (where, name, value, parser) => checkedOption(where, name, value, parser, invalid),
  invalid,
  duration: durationParsers(() => undefined).duration
}
const policy = (input: PolicyInput): CompiledPolicy => compilePolicy(input, checks)

/** The waits before retries 1..n with the draw `u` (previous: the wait before, as the schedule threads it). */
const waits = (p: CompiledPolicy, n: number, u = 0): Array<number> => {
  const out: Array<number> = []
  let previous = p.delayMs
  for (let retry = 1; retry <= n; retry++) {
    previous = nextDelay(p, retry, u, previous)
    out.push(previous)
  }
  return out
}

describe("core/retry", () => {
  it("fills in the defaults", () => {
    const p = policy({})
    expect([p.maxAttempts, p.delayMs, p.strategy, p.maxDelayMs, p.jitter, p.maxElapsedMs, p.logRetries]).toEqual(
      [3, 1000, { _tag: "exponential", factor: 2 }, Infinity, "none", Infinity, true]
    )
    expect(p.retryOn(new Error("x"))).toBe(true)
    expect(policy({ delay: "250 ms", maxDelay: "2 s", maxElapsed: "1 min", jitter: " FULL " })).toMatchObject({
      delayMs: 250,
      maxDelayMs: 2000,
      maxElapsedMs: 60000,
      jitter: "full"
    })
  })

  it("reads backoff as a strategy name or a factor (1 is fixed)", () => {
    expect([1, 1.5, "fixed", "linear", "fibonacci", "exponential"].map((backoff) => policy({ backoff }).strategy))
      .toEqual([
        { _tag: "fixed" },
        { _tag: "exponential", factor: 1.5 },
        { _tag: "fixed" },
        { _tag: "linear" },
        { _tag: "fibonacci" },
        { _tag: "exponential", factor: 2 }
      ])
  })

  it("rejects bad options in the one wording, naming the option", () => {
    expect(() => policy({ maxAttempts: 0 })).toThrow(
      "Retry option maxAttempts: invalid value 0; accepted: a whole number >= 1 (attempts, not retries)"
    )
    expect(() => policy({ backoff: 0.5 })).toThrow(
      "Retry option backoff: invalid value 0.5; accepted: a factor >= 1 or one of \"fixed\", \"linear\", " +
        "\"exponential\", \"fibonacci\""
    )
    expect(() => policy({ delay: 500, maxDelay: 100 })).toThrow(
      "Retry option maxDelay: invalid value 100; accepted: a duration >= delay (500 ms)"
    )
    expect(() => policy({ jitter: "some" })).toThrow(
      "Retry option jitter: invalid value \"some\"; accepted: none, full, decorrelated"
    )
    expect(() => policy({ delay: -1 })).toThrow("Retry option delay: invalid value -1")
    expect(() => policy({ retryOn: ["A", 1] })).toThrow("accepted: a predicate or a list of error tags")
    expect(() => policy(undefined as unknown as PolicyInput)).toThrow("Retry policy: invalid value undefined")
  })

  it("retryOn as a list of tags matches the error's tag", () => {
    const p = policy({ retryOn: ["Timeout", "TypeError"] })
    expect([{ _tag: "Timeout" }, { _tag: "Fatal" }, new TypeError("t"), new Error("e"), "Timeout"].map(p.retryOn))
      .toEqual([true, false, true, false, false])
  })

  it("backs off per strategy without jitter, capped at maxDelay", () => {
    expect(waits(policy({ delay: 100, backoff: "fixed" }), 4)).toEqual([100, 100, 100, 100])
    expect(waits(policy({ delay: 100, backoff: "linear" }), 4)).toEqual([100, 200, 300, 400])
    expect(waits(policy({ delay: 100 }), 5)).toEqual([100, 200, 400, 800, 1600])
    expect(waits(policy({ delay: 100, backoff: 3 }), 3)).toEqual([100, 300, 900])
    expect(waits(policy({ delay: 100, backoff: "fibonacci" }), 7)).toEqual([100, 100, 200, 300, 500, 800, 1300])
    expect(waits(policy({ delay: 100, maxDelay: 500 }), 5)).toEqual([100, 200, 400, 500, 500])
    expect(waits(policy({ delay: 10, backoff: 1.5 }), 3)).toEqual([10, 15, 23]) // whole milliseconds
    expect(baseDelay(policy({ delay: 10, backoff: 1.5 }), 3)).toBe(22.5)
  })

  it("full jitter draws over [0, min(cap, base)), the cap applied before the draw", () => {
    const p = policy({ delay: 1000, maxDelay: 3000, jitter: "full" })
    expect([0, 0.25, 0.5, 0.999999].map((u) => nextDelay(p, 3, u, 0))).toEqual([0, 750, 1500, 3000])
    expect([0, 0.5, 0.999999].map((u) => nextDelay(p, 1, u, 0))).toEqual([0, 500, 1000])
    expect(needsDraw(p)).toBe(true)
    expect(needsDraw(policy({}))).toBe(false)
  })

  it("decorrelated jitter draws over [delay, min(cap, 3 * previous)]", () => {
    const p = policy({ delay: 100, maxDelay: 1000, jitter: "decorrelated" })
    expect([0, 0.5, 1].map((u) => nextDelay(p, 1, u, 100))).toEqual([100, 200, 300])
    expect([0, 0.5, 0.999999].map((u) => nextDelay(p, 5, u, 500))).toEqual([100, 550, 1000])
    expect(nextDelay(p, 2, 1, 20)).toBe(100) // the range never falls below delay
    expect(waits(p, 4, 0.5)).toEqual([200, 350, 550, 550])
  })

  it("stops on an error retryOn rejects, or once maxAttempts attempts failed", () => {
    const p = policy({ maxAttempts: 3, retryOn: ["Timeout"] })
    const timeout = { _tag: "Timeout" }
    const at = (retries: number) => ({ retries, previous: 0, start: 0 })
    expect([at(0), at(1), at(2)].map((s) => stopBefore(p, s, timeout))).toEqual([undefined, undefined, "max_attempts"])
    expect(stopBefore(p, at(0), { _tag: "Fatal" })).toBe("not_retryable")
    expect(stopBefore(policy({ maxAttempts: 1 }), at(0), timeout)).toBe("max_attempts")
  })

  it("threads the state, and stops when the next retry would start after maxElapsed", () => {
    const p = policy({ delay: 100, maxElapsed: 1000 })
    expect([initialState(p), initialState(p, 5000)]).toEqual([
      { retries: 0, previous: 100, start: -1 },
      { retries: 0, previous: 100, start: 5000 }
    ])
    const first = retryAfter(p, initialState(p), 5000, 0)
    expect(first).toEqual({ delay: 100, state: { retries: 1, previous: 100, start: 5000 } })
    if (first === "max_elapsed") throw new Error("unreachable")
    // 400 ms in, the 200 ms wait ends at 600 (within); 801 ms in, a 400 ms wait would end at 1201 (past).
    expect(retryAfter(p, first.state, 5400, 0)).toEqual({
      delay: 200,
      state: { retries: 2, previous: 200, start: 5000 }
    })
    expect(retryAfter(p, { retries: 2, previous: 200, start: 5000 }, 5600, 0)).toEqual({
      delay: 400,
      state: { retries: 3, previous: 400, start: 5000 }
    })
    expect(retryAfter(p, { retries: 2, previous: 200, start: 5000 }, 5601, 0)).toBe("max_elapsed")
  })

  it("gives the retry lines' fields in their order", () => {
    const error = { _tag: "Timeout", message: "took too long" }
    const retrying = retryingFields(2, 5, 400, error)
    expect(Object.entries(retrying)).toEqual([
      ["attempt", 2],
      ["max_attempts", 5],
      ["delay_ms", 400],
      ["error_tag", "Timeout"],
      ["error_message", "took too long"]
    ])
    expect(Object.keys(retryingFields(1, undefined, 0, "boom"))).toEqual(
      ["attempt", "delay_ms", "error_tag", "error_message"]
    )
    expect(Object.entries(exhaustedFields(3, 3, "max_attempts", 1234, new TypeError("bad")))).toEqual([
      ["attempts", 3],
      ["max_attempts", 3],
      ["reason", "max_attempts"],
      ["elapsed_ms", 1234],
      ["error_tag", "TypeError"],
      ["error_message", "bad"]
    ])
  })
})
