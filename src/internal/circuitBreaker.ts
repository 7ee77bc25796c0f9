/**
 * The circuit breaker behind the public `CircuitBreaker` module (and the
 * OTLP exporter): a state machine in a `Ref`, timed by `Clock`.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { dual } from "effect/Function"
import * as Ref from "effect/Ref"
import type * as CircuitBreaker from "../CircuitBreaker.js"
import { rootBinding } from "../core/record.js"
import { TaggedError } from "./errors.js"
import {
  aFunction,
  checkOptions,
  duration,
  integerAtLeast,
  invalidOption,
  numberAtLeast,
  option,
  orDie
} from "./parse.js"
import { logEntry } from "./record.js"

/** @internal */
export class CircuitOpenError extends TaggedError("CircuitOpenError", "CIRCUIT_OPEN")<{
  readonly circuit: string
  readonly state: "open" | "half_open"
  readonly retryAt: Date
}> {}

type Inner =
  | { readonly _tag: "Closed"; readonly failures: number }
  | { readonly _tag: "Open"; readonly openedAt: number; readonly until: number; readonly trips: number }
  | { readonly _tag: "HalfOpen"; readonly trips: number; readonly admitted: number; readonly succeeded: number }

interface Cell {
  readonly state: Inner
  readonly generation: number
}

type Change = Record<string, unknown> & { readonly to: "closed" | "open" | "half_open" }

type Admission =
  | { readonly _tag: "Run"; readonly generation: number; readonly changes: ReadonlyArray<Change> }
  | { readonly _tag: "Reject"; readonly error: CircuitOpenError; readonly changes: ReadonlyArray<Change> }

type Outcome = "success" | "failure" | "ignored"

const label = (s: Inner): "closed" | "open" | "half_open" =>
  s._tag === "Closed" ? "closed" : s._tag === "Open" ? "open" : "half_open"

/** The options, checked and with their defaults. */
interface Settings {
  readonly name: string
  readonly threshold: number
  readonly halfOpenMax: number
  readonly resetMs: number
  readonly factor: number
  readonly maxMs: number
  readonly isFailure: (error: unknown) => boolean
}

const where = "CircuitBreaker"

const finite = duration(
  "finite",
  "a finite, non-negative duration, e.g. 500 (ms), \"30 seconds\", Duration.seconds(30) " +
    "(to keep a breaker open until `reset`, use a long period)"
)

/** Checks the options; throws `IllegalArgumentException` in the one wording, naming the option. */
const settingsOf = (options: CircuitBreaker.Options): Settings => {
  if (typeof options !== "object" || options === null) {
    throw invalidOption("", "CircuitBreaker options", options, "an options object")
  }
  const threshold = option(where, "failureThreshold", options.failureThreshold ?? 5, integerAtLeast(1))
  const halfOpenMax = option(where, "halfOpenMaxCalls", options.halfOpenMaxCalls ?? 1, integerAtLeast(1))
  const resetMs = option(where, "resetTimeout", options.resetTimeout ?? "30 seconds", finite)
  const factor = option(where, "backoffFactor", options.backoffFactor ?? 2, numberAtLeast(1))
  const maxMs = options.maxResetTimeout === undefined
    ? resetMs * 10
    : option(where, "maxResetTimeout", options.maxResetTimeout, finite)
  if (maxMs < resetMs) {
    throw invalidOption(where, "maxResetTimeout", options.maxResetTimeout, `a duration >= resetTimeout (${resetMs} ms)`)
  }
  const isFailure = options.isFailure === undefined
    ? () => true
    : option(where, "isFailure", options.isFailure, aFunction<(error: unknown) => boolean>("a predicate"))
  return { name: options.name ?? "circuit", threshold, halfOpenMax, resetMs, factor, maxMs, isFailure }
}

/** The last instant a `Date` can hold: open periods end no later (a longer one is open "forever"). */
const maxInstant = 8.64e15

/** Opens the breaker (its `trips`-th time in a row): the next state and the change to log. */
const open = (
  s: Settings,
  now: number,
  trips: number,
  from: Inner,
  extra: Record<string, unknown>
): [Inner, Change] => {
  const period = Math.min(s.resetMs * Math.pow(s.factor, trips - 1), s.maxMs)
  const until = Math.min(now + period, maxInstant)
  const next: Inner = { _tag: "Open", openedAt: now, until, trips }
  return [next, {
    from: label(from),
    to: "open",
    ...extra,
    trips,
    open_ms: period,
    retry_at: new Date(until).toISOString()
  }]
}

/** Moves an expired open state to half-open. */
const settle = (cell: Cell, now: number, changes: Array<Change>): Cell => {
  if (cell.state._tag === "Open" && now >= cell.state.until) {
    changes.push({ from: "open", to: "half_open", trips: cell.state.trips })
    return {
      state: { _tag: "HalfOpen", trips: cell.state.trips, admitted: 0, succeeded: 0 },
      generation: cell.generation + 1
    }
  }
  return cell
}

const publish = (name: string, changes: ReadonlyArray<Change>): Effect.Effect<void> => {
  if (changes.length === 0) return Effect.void
  return Effect.forEach(changes, (change) => {
    const fields = { circuit: name, ...change }
    return change.to === "open"
      ? logEntry("warning", rootBinding, "Circuit breaker state changed", fields)
      : logEntry("info", rootBinding, "Circuit breaker state changed", fields)
  }, { discard: true })
}

const toPublic = (s: Inner): CircuitBreaker.State =>
  s._tag === "Open"
    ? { _tag: "Open", openedAt: new Date(s.openedAt), retryAt: new Date(s.until), trips: s.trips }
    : s

/** Whether a call may run now: the admission and the next cell. */
const admit = (s: Settings, current: Cell, now: number): [Admission, Cell] => {
  const changes: Array<Change> = []
  const cell = settle(current, now, changes)
  const state = cell.state
  switch (state._tag) {
    case "Closed":
      return [{ _tag: "Run", generation: cell.generation, changes }, cell]
    case "Open":
      return [{
        _tag: "Reject",
        changes,
        error: new CircuitOpenError({
          message: `Circuit "${s.name}" is open until ${new Date(state.until).toISOString()}`,
          circuit: s.name,
          state: "open",
          retryAt: new Date(state.until)
        })
      }, cell]
    case "HalfOpen": {
      if (state.admitted < s.halfOpenMax) {
        const next: Cell = { state: { ...state, admitted: state.admitted + 1 }, generation: cell.generation }
        return [{ _tag: "Run", generation: cell.generation, changes }, next]
      }
      return [{
        _tag: "Reject",
        changes,
        error: new CircuitOpenError({
          message: `Circuit "${s.name}" is half-open and its ${s.halfOpenMax} trial call(s) are in progress`,
          circuit: s.name,
          state: "half_open",
          retryAt: new Date(now)
        })
      }, cell]
    }
  }
}

const moved = (cell: Cell, state: Inner, change: Change): [ReadonlyArray<Change>, Cell] => [
  [change],
  { state, generation: cell.generation + 1 }
]

/** The outcome of a call admitted in `generation`: the changes to log and the next cell. */
const record = (
  s: Settings,
  cell: Cell,
  generation: number,
  outcome: Outcome,
  now: number
): [ReadonlyArray<Change>, Cell] => {
  // A result from an earlier state (the breaker moved on while the call ran) changes nothing.
  if (cell.generation !== generation) return [[], cell]
  const state = cell.state
  switch (state._tag) {
    case "Closed": {
      if (outcome === "ignored") return [[], cell]
      if (outcome === "success") {
        return [
          [],
          state.failures === 0 ? cell : { state: { _tag: "Closed", failures: 0 }, generation: cell.generation }
        ]
      }
      const failures = state.failures + 1
      if (failures < s.threshold) {
        return [[], { state: { _tag: "Closed", failures }, generation: cell.generation }]
      }
      return moved(cell, ...open(s, now, 1, state, { failures }))
    }
    case "HalfOpen": {
      if (outcome === "ignored") {
        return [[], { state: { ...state, admitted: state.admitted - 1 }, generation: cell.generation }]
      }
      if (outcome === "failure") return moved(cell, ...open(s, now, state.trips + 1, state, {}))
      const succeeded = state.succeeded + 1
      if (succeeded < s.halfOpenMax) return [[], { state: { ...state, succeeded }, generation: cell.generation }]
      return moved(cell, { _tag: "Closed", failures: 0 }, { from: "half_open", to: "closed", trial_calls: succeeded })
    }
    case "Open":
      return [[], cell]
  }
}

const classify = (isFailure: (error: unknown) => boolean, exit: Exit.Exit<unknown, unknown>): Outcome => {
  if (Exit.isSuccess(exit)) return "success"
  const cause = exit.cause
  if (Cause.isDie(cause)) return "failure"
  const failures = Cause.failures(cause)
  let any = false
  for (const e of failures) {
    any = true
    if (isFailure(e)) return "failure"
  }
  return any ? "success" : "ignored"
}

/** The breaker over its state. */
const build = (s: Settings, ref: Ref.Ref<Cell>): CircuitBreaker.CircuitBreaker => {
  const log = (changes: ReadonlyArray<Change>) => publish(s.name, changes)
  const protect = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | CircuitOpenError, R> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(
        Clock.currentTimeMillis,
        (now) =>
          Effect.flatMap(
            Ref.modify(ref, (cell) => admit(s, cell, now)),
            (admission): Effect.Effect<A, E | CircuitOpenError, R> => {
              if (admission._tag === "Reject") {
                return Effect.zipRight(log(admission.changes), Effect.fail(admission.error))
              }
              return Effect.zipRight(
                log(admission.changes),
                Effect.onExit(restore(self), (exit) =>
                  Effect.flatMap(
                    Clock.currentTimeMillis,
                    (end) =>
                      Effect.flatMap(
                        Ref.modify(
                          ref,
                          (cell) => record(s, cell, admission.generation, classify(s.isFailure, exit), end)
                        ),
                        log
                      )
                  ))
              )
            }
          )
      )
    )

  const state = Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Effect.flatMap(
      Ref.modify(ref, (current): [[Inner, ReadonlyArray<Change>], Cell] => {
        const changes: Array<Change> = []
        const cell = settle(current, now, changes)
        return [[cell.state, changes], cell]
      }),
      ([inner, changes]) => Effect.as(log(changes), toPublic(inner))
    ))

  const reset = Effect.flatMap(
    Ref.modify(
      ref,
      (cell): [ReadonlyArray<Change>, Cell] =>
        cell.state._tag === "Closed" ?
          [[], { state: { _tag: "Closed", failures: 0 }, generation: cell.generation }] :
          [
            [{ from: label(cell.state), to: "closed", reason: "reset" }],
            { state: { _tag: "Closed", failures: 0 }, generation: cell.generation + 1 }
          ]
    ),
    log
  )

  return { name: s.name, protect, state, reset }
}

/**
 * Makes a breaker. Options that are not valid make an effect that dies with
 * an `IllegalArgumentException` naming the option (never a synchronous throw).
 *
 * @internal
 */
export const make = (options: CircuitBreaker.Options = {}): Effect.Effect<CircuitBreaker.CircuitBreaker> =>
  orDie(
    checkOptions(() => settingsOf(options)),
    (s) => Effect.map(Ref.make<Cell>({ state: { _tag: "Closed", failures: 0 }, generation: 0 }), (ref) => build(s, ref))
  )

/** @internal */
export const withCircuitBreaker: {
  (
    breaker: CircuitBreaker.CircuitBreaker
  ): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | CircuitOpenError, R>
  <A, E, R>(
    self: Effect.Effect<A, E, R>,
    breaker: CircuitBreaker.CircuitBreaker
  ): Effect.Effect<A, E | CircuitOpenError, R>
} = dual(
  2,
  <A, E, R>(
    self: Effect.Effect<A, E, R>,
    breaker: CircuitBreaker.CircuitBreaker
  ): Effect.Effect<A, E | CircuitOpenError, R> => breaker.protect(self)
)
