/**
 * The circuit breaker behind the public `CircuitBreaker` module (and the
 * OTLP exporter): a state machine in a `Ref`, timed by `Clock`.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { dual } from "effect/Function"
import * as Ref from "effect/Ref"
import type * as CircuitBreaker from "../CircuitBreaker.js"
import { TaggedError } from "./errors.js"
import { logEntry, rootBinding } from "./record.js"
import { durationMillis, show } from "./retry.js"

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

const invalid = (message: string): never => {
  throw new Cause.IllegalArgumentException(`Invalid circuit breaker options: ${message}`)
}

/** A finite, non-negative duration in milliseconds, or an `IllegalArgumentException` naming the option. */
const finiteMillis = (name: string, input: Duration.DurationInput): number => {
  const ms = durationMillis(name, input, invalid)
  if (!Number.isFinite(ms)) {
    invalid(
      `${name} must be a finite duration, got ${
        show(input)
      } (to keep a breaker open until \`reset\`, use a long period)`
    )
  }
  return ms
}

/** The last instant a `Date` can hold: open periods end no later (a longer one is open "forever"). */
const maxInstant = 8.64e15

/**
 * Makes a breaker. Throws `IllegalArgumentException` synchronously for
 * invalid options (non-integer or < 1 thresholds, negative durations,
 * backoffFactor < 1, maxResetTimeout < resetTimeout).
 *
 * @since 0.1.0
 * @category constructors
 */
/** @internal */
export const make = (options: CircuitBreaker.Options = {}): Effect.Effect<CircuitBreaker.CircuitBreaker> => {
  if (typeof options !== "object" || options === null) invalid(`expected an options object, got ${show(options)}`)
  const name = options.name ?? "circuit"
  const threshold = options.failureThreshold ?? 5
  if (!Number.isInteger(threshold) || threshold < 1) {
    invalid(`failureThreshold must be an integer >= 1, got ${threshold}`)
  }
  const halfOpenMax = options.halfOpenMaxCalls ?? 1
  if (!Number.isInteger(halfOpenMax) || halfOpenMax < 1) {
    invalid(`halfOpenMaxCalls must be an integer >= 1, got ${halfOpenMax}`)
  }
  const resetMs = finiteMillis("resetTimeout", options.resetTimeout ?? "30 seconds")
  const factor = options.backoffFactor ?? 2
  if (!Number.isFinite(factor) || factor < 1) invalid(`backoffFactor must be a finite number >= 1, got ${factor}`)
  const maxMs = options.maxResetTimeout === undefined
    ? resetMs * 10
    : finiteMillis("maxResetTimeout", options.maxResetTimeout)
  if (maxMs < resetMs) invalid(`maxResetTimeout (${maxMs} ms) must not be smaller than resetTimeout (${resetMs} ms)`)
  const isFailure = options.isFailure ?? (() => true)

  const openPeriod = (trips: number) => Math.min(resetMs * Math.pow(factor, trips - 1), maxMs)

  const open = (now: number, trips: number, from: Inner, extra: Record<string, unknown>): [Inner, Change] => {
    const period = openPeriod(trips)
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

  const publish = (changes: ReadonlyArray<Change>): Effect.Effect<void> => {
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

  return Effect.map(
    Ref.make<Cell>({ state: { _tag: "Closed", failures: 0 }, generation: 0 }),
    (ref): CircuitBreaker.CircuitBreaker => {
      const admit = (now: number) =>
        Ref.modify(ref, (current): [Admission, Cell] => {
          const changes: Array<Change> = []
          const cell = settle(current, now, changes)
          const s = cell.state
          switch (s._tag) {
            case "Closed":
              return [{ _tag: "Run", generation: cell.generation, changes }, cell]
            case "Open":
              return [{
                _tag: "Reject",
                changes,
                error: new CircuitOpenError({
                  message: `Circuit "${name}" is open until ${new Date(s.until).toISOString()}`,
                  circuit: name,
                  state: "open",
                  retryAt: new Date(s.until)
                })
              }, cell]
            case "HalfOpen": {
              if (s.admitted < halfOpenMax) {
                const next: Cell = { state: { ...s, admitted: s.admitted + 1 }, generation: cell.generation }
                return [{ _tag: "Run", generation: cell.generation, changes }, next]
              }
              return [{
                _tag: "Reject",
                changes,
                error: new CircuitOpenError({
                  message: `Circuit "${name}" is half-open and its ${halfOpenMax} trial call(s) are in progress`,
                  circuit: name,
                  state: "half_open",
                  retryAt: new Date(now)
                })
              }, cell]
            }
          }
        })

      const record = (generation: number, outcome: Outcome, now: number) =>
        Ref.modify(ref, (cell): [ReadonlyArray<Change>, Cell] => {
          // A result from an earlier state (the breaker moved on while the call ran) changes nothing.
          if (cell.generation !== generation) return [[], cell]
          const s = cell.state
          const moved = (state: Inner, change: Change): [ReadonlyArray<Change>, Cell] => [
            [change],
            { state, generation: cell.generation + 1 }
          ]
          switch (s._tag) {
            case "Closed": {
              if (outcome === "ignored") return [[], cell]
              if (outcome === "success") {
                return [
                  [],
                  s.failures === 0 ? cell : { state: { _tag: "Closed", failures: 0 }, generation: cell.generation }
                ]
              }
              const failures = s.failures + 1
              if (failures < threshold) {
                return [[], { state: { _tag: "Closed", failures }, generation: cell.generation }]
              }
              return moved(...open(now, 1, s, { failures }))
            }
            case "HalfOpen": {
              if (outcome === "ignored") {
                return [[], { state: { ...s, admitted: s.admitted - 1 }, generation: cell.generation }]
              }
              if (outcome === "failure") {
                return moved(...open(now, s.trips + 1, s, {}))
              }
              const succeeded = s.succeeded + 1
              if (succeeded < halfOpenMax) return [[], { state: { ...s, succeeded }, generation: cell.generation }]
              return moved({ _tag: "Closed", failures: 0 }, { from: "half_open", to: "closed", trial_calls: succeeded })
            }
            case "Open":
              return [[], cell]
          }
        })

      const classify = (exit: Exit.Exit<unknown, unknown>): Outcome => {
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

      const protect = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | CircuitOpenError, R> =>
        Effect.uninterruptibleMask((restore) =>
          Effect.flatMap(
            Clock.currentTimeMillis,
            (now) =>
              Effect.flatMap(admit(now), (admission): Effect.Effect<A, E | CircuitOpenError, R> => {
                if (admission._tag === "Reject") {
                  return Effect.zipRight(publish(admission.changes), Effect.fail(admission.error))
                }
                return Effect.zipRight(
                  publish(admission.changes),
                  Effect.onExit(restore(self), (exit) =>
                    Effect.flatMap(
                      Clock.currentTimeMillis,
                      (end) => Effect.flatMap(record(admission.generation, classify(exit), end), publish)
                    ))
                )
              })
          )
        )

      const state = Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.flatMap(
          Ref.modify(ref, (current): [[Inner, ReadonlyArray<Change>], Cell] => {
            const changes: Array<Change> = []
            const cell = settle(current, now, changes)
            return [[cell.state, changes], cell]
          }),
          ([s, changes]) => Effect.as(publish(changes), toPublic(s))
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
        publish
      )

      return { name, protect, state, reset }
    }
  )
}

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
