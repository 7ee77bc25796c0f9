/**
 * The circuit breaker of the Effect 4 binding: the core's state machine (src/core/circuitBreaker.ts) in an effect 4
 * `Ref`, timed by `Clock`, logging its state changes.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { dual } from "effect/Function"
import * as Ref from "effect/Ref"
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
  type SettingsInput,
  settingsOf
} from "../../core/circuitBreaker.js"
import type { OptionChecks } from "../../core/optionChecks.js"
import { rootBinding } from "../../core/record.js"
import type * as CircuitBreaker from "../CircuitBreaker.js"
import { TaggedError } from "./errors.js"
import { logRecord } from "./log.js"
import { checkOptions, duration, invalidOption, option, orDie } from "./parse.js"

const checks: OptionChecks = { option, invalid: invalidOption, duration }

/** @internal */
export class CircuitOpenError extends TaggedError("CircuitOpenError", "CIRCUIT_OPEN")<{
  readonly circuit: string
  readonly state: "open" | "half_open"
  readonly retryAt: Date
}> {}

const publish = (name: string, changes: ReadonlyArray<Change>): Effect.Effect<void> => {
  if (changes.length === 0) return Effect.void
  return Effect.forEach(
    changes,
    (change) => logRecord(changeLevel(change), rootBinding, changeMessage, changeFields(name, change)),
    { discard: true }
  )
}

/** Typed failures and defects of an exit: a failure `isFailure` accepts and any defect count; interruption does not. */
const classifyExit = (s: Settings, exit: Exit.Exit<unknown, unknown>): Outcome => {
  if (Exit.isSuccess(exit)) return "success"
  const failures: Array<unknown> = []
  let died = false
  for (const r of exit.cause.reasons) {
    if (r._tag === "Fail") failures.push(r.error)
    else if (r._tag === "Die") died = true
  }
  return classify(s, failures, died)
}

const rejected = (s: Settings, r: Rejection): CircuitOpenError => new CircuitOpenError(rejectionFields(s, r))

/** The breaker over its state. */
const build = (s: Settings, ref: Ref.Ref<Cell>): CircuitBreaker.CircuitBreaker => {
  const log = (changes: ReadonlyArray<Change>) => publish(s.name, changes)
  const finish = (generation: number, exit: Exit.Exit<unknown, unknown>) =>
    Effect.flatMap(
      Clock.currentTimeMillis,
      (end) => Effect.flatMap(Ref.modify(ref, (cell) => record(s, cell, generation, classifyExit(s, exit), end)), log)
    )
  const protect = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | CircuitOpenError, R> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(
        Clock.currentTimeMillis,
        (now) =>
          Effect.flatMap(
            Ref.modify(ref, (cell) => admit(s, cell, now)),
            (admission): Effect.Effect<A, E | CircuitOpenError, R> => {
              if (admission._tag === "Reject") {
                return Effect.andThen(log(admission.changes), Effect.fail(rejected(s, admission.rejection)))
              }
              return Effect.andThen(
                log(admission.changes),
                Effect.onExit(restore(self), (exit) => finish(admission.generation, exit))
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
 * Makes a breaker. Options that are not valid make an effect that dies with an `IllegalArgumentError` naming the
 * option (never a synchronous throw).
 *
 * @internal
 */
export const make = (options: SettingsInput = {}): Effect.Effect<CircuitBreaker.CircuitBreaker> =>
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
