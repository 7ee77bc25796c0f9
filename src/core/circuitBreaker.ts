/**
 * The circuit breaker's state machine, Effect-free: closed, open (for a period that grows with each consecutive
 * trip) and half-open (a few trial calls), as pure transitions of one cell. Each binding keeps the cell in its
 * `Ref`, reads the time from its `Clock`, turns a rejection into its `CircuitOpenError` and logs the changes, so
 * the same calls give the same states and the same "Circuit breaker state changed" lines on either Effect line.
 */
import type { OptionChecks } from "./optionChecks.js"
import { aFunction, integerAtLeast, numberAtLeast } from "./parse.js"

/** The options, checked and with their defaults. @internal */
export interface Settings {
  readonly name: string
  readonly threshold: number
  readonly halfOpenMax: number
  readonly resetMs: number
  readonly factor: number
  readonly maxMs: number
  readonly isFailure: (error: unknown) => boolean
}

/** A breaker's options as given (the public `Options` of either binding). @internal */
export interface SettingsInput {
  readonly failureThreshold?: unknown
  readonly resetTimeout?: unknown
  readonly backoffFactor?: unknown
  readonly maxResetTimeout?: unknown
  readonly halfOpenMaxCalls?: unknown
  readonly isFailure?: unknown
  readonly name?: string | undefined
}

const where = "CircuitBreaker"

const finiteAccepted = "a finite, non-negative duration, e.g. 500 (ms), \"30 seconds\", Duration.seconds(30) " +
  "(to keep a breaker open until `reset`, use a long period)"

/**
 * The options, checked and with their defaults. Throws the binding's error (see `OptionChecks`) in the one wording,
 * naming the option.
 *
 * @internal
 */
export const settingsOf = (options: SettingsInput, c: OptionChecks): Settings => {
  if (typeof options !== "object" || options === null) {
    throw c.invalid("", "CircuitBreaker options", options, "an options object")
  }
  const finite = c.duration("finite", finiteAccepted)
  const threshold = c.option(where, "failureThreshold", options.failureThreshold ?? 5, integerAtLeast(1))
  const halfOpenMax = c.option(where, "halfOpenMaxCalls", options.halfOpenMaxCalls ?? 1, integerAtLeast(1))
  const resetMs = c.option(where, "resetTimeout", options.resetTimeout ?? "30 seconds", finite)
  const factor = c.option(where, "backoffFactor", options.backoffFactor ?? 2, numberAtLeast(1))
  const maxMs = options.maxResetTimeout === undefined
    ? resetMs * 10
    : c.option(where, "maxResetTimeout", options.maxResetTimeout, finite)
  if (maxMs < resetMs) {
    throw c.invalid(where, "maxResetTimeout", options.maxResetTimeout, `a duration >= resetTimeout (${resetMs} ms)`)
  }
  const isFailure = options.isFailure === undefined
    ? () => true
    : c.option(where, "isFailure", options.isFailure, aFunction<(error: unknown) => boolean>("a predicate"))
  return { name: options.name ?? "circuit", threshold, halfOpenMax, resetMs, factor, maxMs, isFailure }
}

/** The state, with times in epoch milliseconds. @internal */
export type State =
  | { readonly _tag: "Closed"; readonly failures: number }
  | { readonly _tag: "Open"; readonly openedAt: number; readonly until: number; readonly trips: number }
  | { readonly _tag: "HalfOpen"; readonly trips: number; readonly admitted: number; readonly succeeded: number }

/**
 * The state and its generation: a move to another state bumps it, so the result of a call admitted in an earlier
 * state changes nothing.
 *
 * @internal
 */
export interface Cell {
  readonly state: State
  readonly generation: number
}

/** One state change, as the fields of its log line (`from`, `to`, ...). @internal */
export type Change = Record<string, unknown> & { readonly to: "closed" | "open" | "half_open" }

/** Why a call is not run: the breaker's state, when it may be tried again, and the error's message. @internal */
export interface Rejection {
  readonly state: "open" | "half_open"
  readonly retryAt: number
  readonly message: string
}

/** Whether a call runs (admitted in `generation`) or is rejected, and the changes to log first. @internal */
export type Admission =
  | { readonly _tag: "Run"; readonly generation: number; readonly changes: ReadonlyArray<Change> }
  | { readonly _tag: "Reject"; readonly rejection: Rejection; readonly changes: ReadonlyArray<Change> }

/** How a call ended: `ignored` is an interruption (neither success nor failure). @internal */
export type Outcome = "success" | "failure" | "ignored"

/** A new breaker's cell. @internal */
export const initialCell: Cell = { state: { _tag: "Closed", failures: 0 }, generation: 0 }

/** The state's name in log lines. @internal */
export const label = (s: State): "closed" | "open" | "half_open" =>
  s._tag === "Closed" ? "closed" : s._tag === "Open" ? "open" : "half_open"

/** The last instant a `Date` can hold: open periods end no later (a longer one is open "forever"). */
const maxInstant = 8.64e15

/** Opens the breaker (its `trips`-th time in a row): the next state and the change to log. */
const open = (
  s: Settings,
  now: number,
  trips: number,
  from: State,
  extra: Record<string, unknown>
): [State, Change] => {
  const period = Math.min(s.resetMs * Math.pow(s.factor, trips - 1), s.maxMs)
  const until = Math.min(now + period, maxInstant)
  const next: State = { _tag: "Open", openedAt: now, until, trips }
  return [next, {
    from: label(from),
    to: "open",
    ...extra,
    trips,
    open_ms: period,
    retry_at: new Date(until).toISOString()
  }]
}

/**
 * Moves an expired open state to half-open, pushing the change.
 *
 * @internal
 */
export const settle = (cell: Cell, now: number, changes: Array<Change>): Cell => {
  if (cell.state._tag === "Open" && now >= cell.state.until) {
    changes.push({ from: "open", to: "half_open", trips: cell.state.trips })
    return {
      state: { _tag: "HalfOpen", trips: cell.state.trips, admitted: 0, succeeded: 0 },
      generation: cell.generation + 1
    }
  }
  return cell
}

/**
 * Whether a call may run now: the admission and the next cell.
 *
 * @internal
 */
export const admit = (s: Settings, current: Cell, now: number): [Admission, Cell] => {
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
        rejection: {
          state: "open",
          retryAt: state.until,
          message: `Circuit "${s.name}" is open until ${new Date(state.until).toISOString()}`
        }
      }, cell]
    case "HalfOpen": {
      if (state.admitted < s.halfOpenMax) {
        const next: Cell = { state: { ...state, admitted: state.admitted + 1 }, generation: cell.generation }
        return [{ _tag: "Run", generation: cell.generation, changes }, next]
      }
      return [{
        _tag: "Reject",
        changes,
        rejection: {
          state: "half_open",
          retryAt: now,
          message: `Circuit "${s.name}" is half-open and its ${s.halfOpenMax} trial call(s) are in progress`
        }
      }, cell]
    }
  }
}

const moved = (cell: Cell, state: State, change: Change): [ReadonlyArray<Change>, Cell] => [
  [change],
  { state, generation: cell.generation + 1 }
]

/**
 * The outcome of a call admitted in `generation`: the changes to log and the next cell.
 *
 * @internal
 */
export const record = (
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

/**
 * The state as read by `breaker.state` (an expired open state settled to half-open), the changes to log, and the
 * next cell.
 *
 * @internal
 */
export const read = (current: Cell, now: number): [[State, ReadonlyArray<Change>], Cell] => {
  const changes: Array<Change> = []
  const cell = settle(current, now, changes)
  return [[cell.state, changes], cell]
}

/**
 * `breaker.reset`: closed, and the change to log when it was not.
 *
 * @internal
 */
export const reset = (cell: Cell): [ReadonlyArray<Change>, Cell] =>
  cell.state._tag === "Closed" ?
    [[], { state: { _tag: "Closed", failures: 0 }, generation: cell.generation }] :
    [
      [{ from: label(cell.state), to: "closed", reason: "reset" }],
      { state: { _tag: "Closed", failures: 0 }, generation: cell.generation + 1 }
    ]

/**
 * The outcome of a call that ended with `failures` (its typed failures) and `died` (a defect): a defect or a
 * failure `isFailure` accepts is a failure; only failures it rejects, a success; nothing (interruption), ignored.
 *
 * @internal
 */
export const classify = (s: Settings, failures: Iterable<unknown>, died: boolean): Outcome => {
  if (died) return "failure"
  let any = false
  for (const e of failures) {
    any = true
    if (s.isFailure(e)) return "failure"
  }
  return any ? "success" : "ignored"
}

// ---------------------------------------------------------------------------
// What the bindings show: the public state, the state-change record, the rejection error's fields
// ---------------------------------------------------------------------------

/** The state as `CircuitBreaker.state` answers it: an open state's times as `Date`s. @internal */
export type PublicState =
  | { readonly _tag: "Closed"; readonly failures: number }
  | { readonly _tag: "Open"; readonly openedAt: Date; readonly retryAt: Date; readonly trips: number }
  | { readonly _tag: "HalfOpen"; readonly trips: number; readonly admitted: number; readonly succeeded: number }

/** @internal */
export const publicState = (s: State): PublicState =>
  s._tag === "Open"
    ? { _tag: "Open", openedAt: new Date(s.openedAt), retryAt: new Date(s.until), trips: s.trips }
    : s

/** The message of a state change's record. @internal */
export const changeMessage = "Circuit breaker state changed"

/** A state change's record level: WARN when the breaker opens, INFO otherwise. @internal */
export const changeLevel = (change: Change): "warning" | "info" => change.to === "open" ? "warning" : "info"

/** A state change's record fields: the breaker's name (`circuit`), then the change. @internal */
export const changeFields = (name: string, change: Change): Record<string, unknown> => ({ circuit: name, ...change })

/** The fields of the `CircuitOpenError` for a rejected call. @internal */
export const rejectionFields = (s: Settings, r: Rejection): {
  readonly message: string
  readonly circuit: string
  readonly state: "open" | "half_open"
  readonly retryAt: Date
} => ({ message: r.message, circuit: s.name, state: r.state, retryAt: new Date(r.retryAt) })
