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
import {
  admit,
  type Cell,
  type Change,
  changeFields,
  changeLevel,
  changeMessage,
  classify,
  initialCell,
  type Outcome,
  publicState,
  read,
  record,
  type Rejection,
  rejectionFields,
  reset as resetCell,
  type Settings,
  settingsOf
} from "../core/circuitBreaker.js"
import type { OptionChecks } from "../core/optionChecks.js"
import { rootBinding } from "../core/record.js"
import { TaggedError } from "./errors.js"
import { checkOptions, duration, invalidOption, option, orDie } from "./parse.js"
import { logEntry } from "./record.js"

/** @internal */
export class CircuitOpenError extends TaggedError("CircuitOpenError", "CIRCUIT_OPEN")<{
  readonly circuit: string
  readonly state: "open" | "half_open"
  readonly retryAt: Date
}> {}

const checks: OptionChecks = { option, invalid: invalidOption, duration }

const publish = (name: string, changes: ReadonlyArray<Change>): Effect.Effect<void> => {
  if (changes.length === 0) return Effect.void
  return Effect.forEach(
    changes,
    (change) => logEntry(changeLevel(change), rootBinding, changeMessage, changeFields(name, change)),
    { discard: true }
  )
}

const classifyExit = (s: Settings, exit: Exit.Exit<unknown, unknown>): Outcome =>
  Exit.isSuccess(exit) ? "success" : classify(s, Cause.failures(exit.cause), Cause.isDie(exit.cause))

const rejected = (s: Settings, r: Rejection): CircuitOpenError => new CircuitOpenError(rejectionFields(s, r))

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
                return Effect.zipRight(log(admission.changes), Effect.fail(rejected(s, admission.rejection)))
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
                          (cell) => record(s, cell, admission.generation, classifyExit(s, exit), end)
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
      Ref.modify(ref, (current) => read(current, now)),
      ([inner, changes]) => Effect.as(log(changes), publicState(inner))
    ))

  const reset = Effect.flatMap(Ref.modify(ref, resetCell), log)

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
    checkOptions(() => settingsOf(options, checks)),
    (s) => Effect.map(Ref.make<Cell>(initialCell), (ref) => build(s, ref))
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
