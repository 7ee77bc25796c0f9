/**
 * The circuit breaker's state machine of the Effect-free core, without Effect: the checked options, and the
 * closed / open / half-open transitions of one cell driven with explicit times (epoch milliseconds).
 */
import { describe, expect, it } from "vitest"
import {
  admit,
  type Cell,
  changeFields,
  changeLevel,
  classify,
  initialCell,
  publicState,
  read,
  record,
  rejectionFields,
  reset,
  type Settings,
  type SettingsInput,
  settingsOf
} from "../../src/core/circuitBreaker.js"
import type { OptionChecks } from "../../src/core/optionChecks.js"
import { checkedOption, durationParsers, invalidOptionMessage } from "../../src/core/parse.js"

const invalid = (where: string, name: string, value: unknown, accepted: string) =>
  new Error(invalidOptionMessage(where, name, value, accepted))
const checks: OptionChecks = {
  option: (where, name, value, parser) => checkedOption(where, name, value, parser, invalid),
  invalid,
  duration: durationParsers(() => undefined).duration
}
const settings = (options: SettingsInput): Settings => settingsOf(options, checks)

/** Two failures open it for 1 s, doubling per trip up to 3 s. */
const s = settings({ name: "db", failureThreshold: 2, resetTimeout: 1000, maxResetTimeout: 3000 })
const iso = (ms: number) => new Date(ms).toISOString()

/** Runs one call admitted at `at` to `outcome` at `at`. */
const call = (cell: Cell, at: number, outcome: "success" | "failure" | "ignored") => {
  const [admission, next] = admit(s, cell, at)
  if (admission._tag !== "Run") throw new Error("rejected")
  return record(s, next, admission.generation, outcome, at)
}

describe("core/circuitBreaker", () => {
  it("fills in the defaults and rejects bad options in the one wording", () => {
    const d = settingsOf({}, checks)
    expect([d.name, d.threshold, d.halfOpenMax, d.resetMs, d.factor, d.maxMs, d.isFailure("x")]).toEqual(
      ["circuit", 5, 1, 30000, 2, 300000, true]
    )
    expect(() => settings({ failureThreshold: 0 })).toThrow(
      "CircuitBreaker option failureThreshold: invalid value 0; accepted: a whole number >= 1"
    )
    expect(() => settings({ backoffFactor: 0.5 })).toThrow("CircuitBreaker option backoffFactor: invalid value 0.5")
    expect(() => settings({ resetTimeout: 1000, maxResetTimeout: 999 })).toThrow(
      "CircuitBreaker option maxResetTimeout: invalid value 999; accepted: a duration >= resetTimeout (1000 ms)"
    )
    expect(() => settings({ resetTimeout: Infinity })).toThrow("CircuitBreaker option resetTimeout: invalid value")
    expect(() => settings({ isFailure: "yes" })).toThrow("accepted: a predicate")
    expect(() => settingsOf(null as unknown as SettingsInput, checks)).toThrow(
      "CircuitBreaker options: invalid value null; accepted: an options object"
    )
  })

  it("counts consecutive failures while closed; a success clears them, an interruption changes nothing", () => {
    const one = call(initialCell, 0, "failure")
    expect(one).toEqual([[], { state: { _tag: "Closed", failures: 1 }, generation: 0 }])
    const interrupted = call(one[1], 1, "ignored")
    expect(interrupted).toEqual([[], one[1]])
    expect(call(interrupted[1], 2, "success")).toEqual([[], initialCell])
  })

  it("opens at the threshold, rejects until the period ends, then admits halfOpenMaxCalls trial calls", () => {
    const [, one] = call(initialCell, 0, "failure")
    const [opened, open] = call(one, 500, "failure")
    expect(opened).toEqual([
      { from: "closed", to: "open", failures: 2, trips: 1, open_ms: 1000, retry_at: iso(1500) }
    ])
    expect(open).toEqual({ state: { _tag: "Open", openedAt: 500, until: 1500, trips: 1 }, generation: 1 })

    const [rejected, same] = admit(s, open, 1499)
    expect(rejected).toEqual({
      _tag: "Reject",
      changes: [],
      rejection: { state: "open", retryAt: 1500, message: `Circuit "db" is open until ${iso(1500)}` }
    })
    expect(same).toBe(open)

    const [trial, half] = admit(s, open, 1500)
    expect(trial).toEqual({ _tag: "Run", generation: 2, changes: [{ from: "open", to: "half_open", trips: 1 }] })
    expect(half).toEqual({ state: { _tag: "HalfOpen", trips: 1, admitted: 1, succeeded: 0 }, generation: 2 })
    expect(admit(s, half, 1600)[0]).toEqual({
      _tag: "Reject",
      changes: [],
      rejection: {
        state: "half_open",
        retryAt: 1600,
        message: "Circuit \"db\" is half-open and its 1 trial call(s) are in progress"
      }
    })
  })

  it("a failed trial re-opens for a period growing by the factor up to the cap; a successful one closes", () => {
    const [, one] = call(initialCell, 0, "failure")
    let [, cell] = call(one, 0, "failure")
    const periods: Array<unknown> = []
    for (const at of [1000, 3000, 6000]) {
      const [changes, next] = call(cell, at, "failure")
      periods.push(changes[0]!.open_ms, changes[0]!.from, next.state)
      cell = next
    }
    expect(periods).toEqual([
      2000,
      "half_open",
      { _tag: "Open", openedAt: 1000, until: 3000, trips: 2 },
      3000,
      "half_open",
      { _tag: "Open", openedAt: 3000, until: 6000, trips: 3 },
      3000,
      "half_open",
      { _tag: "Open", openedAt: 6000, until: 9000, trips: 4 }
    ])
    const [closing, closed] = call(cell, 9000, "success")
    expect(closing).toEqual([{ from: "half_open", to: "closed", trial_calls: 1 }])
    expect(closed).toEqual({ state: { _tag: "Closed", failures: 0 }, generation: cell.generation + 2 })
    // Closed again, the next trip starts over at the base period.
    const [, again] = call(call(closed, 9100, "failure")[1], 9100, "failure")
    expect(again.state).toEqual({ _tag: "Open", openedAt: 9100, until: 10100, trips: 1 })
  })

  it("with several trial calls, closes only after all succeed; an interrupted trial frees its slot", () => {
    const s3 = settings({ failureThreshold: 1, resetTimeout: 100, halfOpenMaxCalls: 2 })
    const [, open] = record(s3, initialCell, 0, "failure", 0)
    const [a, c1] = admit(s3, open, 100)
    const [b, c2] = admit(s3, c1, 100)
    expect([a._tag, b._tag, admit(s3, c2, 100)[0]._tag]).toEqual(["Run", "Run", "Reject"])
    const [, c3] = record(s3, c2, 2, "ignored", 110)
    expect(c3.state).toEqual({ _tag: "HalfOpen", trips: 1, admitted: 1, succeeded: 0 })
    const [none, c4] = record(s3, c3, 2, "success", 120)
    expect([none, c4.state]).toEqual([[], { _tag: "HalfOpen", trips: 1, admitted: 1, succeeded: 1 }])
    const [, c5] = admit(s3, c4, 130)
    const [closing, c6] = record(s3, c5, 2, "success", 140)
    expect([closing, c6.state]).toEqual([[{ from: "half_open", to: "closed", trial_calls: 2 }], {
      _tag: "Closed",
      failures: 0
    }])
  })

  it("ignores the result of a call admitted in an earlier state", () => {
    const s1 = settings({ failureThreshold: 1, resetTimeout: 100 })
    const [, open] = record(s1, initialCell, 0, "failure", 0)
    // A call admitted while closed (generation 0) ends after the breaker opened: no change.
    expect(record(s1, open, 0, "success", 50)).toEqual([[], open])
    const [, half] = admit(s1, open, 100)
    expect(record(s1, half, 0, "failure", 150)).toEqual([[], half])
  })

  it("read settles an expired open state; reset closes and says so unless already closed", () => {
    const s1 = settings({ failureThreshold: 1, resetTimeout: 100 })
    const [, open] = record(s1, initialCell, 0, "failure", 0)
    expect(read(open, 99)).toEqual([[open.state, []], open])
    expect(read(open, 100)).toEqual([
      [{ _tag: "HalfOpen", trips: 1, admitted: 0, succeeded: 0 }, [{ from: "open", to: "half_open", trips: 1 }]],
      { state: { _tag: "HalfOpen", trips: 1, admitted: 0, succeeded: 0 }, generation: 2 }
    ])
    expect(reset(open)).toEqual([[{ from: "open", to: "closed", reason: "reset" }], {
      state: { _tag: "Closed", failures: 0 },
      generation: 2
    }])
    expect(reset({ state: { _tag: "Closed", failures: 3 }, generation: 4 })).toEqual([[], {
      state: { _tag: "Closed", failures: 0 },
      generation: 4
    }])
  })

  it("ends an open period no later than the last instant a Date holds", () => {
    const long = settings({ failureThreshold: 1, resetTimeout: 8e15, backoffFactor: 1 })
    const [changes, open] = record(long, initialCell, 0, "failure", 1e15)
    expect(open.state).toEqual({ _tag: "Open", openedAt: 1e15, until: 8.64e15, trips: 1 })
    expect(changes[0]!.retry_at).toBe("+275760-09-13T00:00:00.000Z")
  })

  it("classifies an outcome: a defect or an accepted failure fails, only rejected failures succeed, none is ignored", () => {
    const s4 = settings({ isFailure: (e: unknown) => e !== "not found" })
    expect([
      classify(s4, [], true),
      classify(s4, ["not found", "timeout"], false),
      classify(s4, ["not found"], false),
      classify(s4, [], false)
    ]).toEqual(["failure", "failure", "success", "ignored"])
  })

  it("shows the state, the change record and the rejection error's fields", () => {
    expect(publicState({ _tag: "Open", openedAt: 0, until: 1000, trips: 2 })).toEqual({
      _tag: "Open",
      openedAt: new Date(0),
      retryAt: new Date(1000),
      trips: 2
    })
    expect(publicState({ _tag: "Closed", failures: 1 })).toEqual({ _tag: "Closed", failures: 1 })
    expect([changeLevel({ to: "open" }), changeLevel({ to: "half_open" }), changeLevel({ to: "closed" })]).toEqual(
      ["warning", "info", "info"]
    )
    expect(Object.keys(changeFields("db", { from: "open", to: "closed" }))).toEqual(["circuit", "from", "to"])
    expect(rejectionFields(s, { state: "open", retryAt: 1500, message: "m" })).toEqual({
      message: "m",
      circuit: "db",
      state: "open",
      retryAt: new Date(1500)
    })
  })
})
