/**
 * Retry policies: validation, the delay arithmetic, the policy as a
 * `Schedule`, and the logging layer that writes the retry lines from the
 * final decision of the schedule it wraps.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleInterval from "effect/ScheduleInterval"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import type { OptionChecks } from "../core/optionChecks.js"
import { rootBinding } from "../core/record.js"
import {
  type CompiledPolicy,
  compilePolicy,
  exhaustedFields,
  initialState,
  needsDraw,
  type PolicyState,
  retryAfter,
  retryingFields,
  stopBefore,
  type StopReason
} from "../core/retry.js"
import type * as Retry from "../Retry.js"
import { checkOptions, duration, invalidOption, option, orDie } from "./parse.js"
import { logEntry } from "./record.js"

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

export type {
  /** @internal */
  CompiledPolicy
} from "../core/retry.js"
export {
  /** @internal */
  nextDelay
} from "../core/retry.js"

const checks: OptionChecks = { option, invalid: invalidOption, duration }

/**
 * The policy, checked and with its defaults (the core's checks). Throws
 * `IllegalArgumentException` in the one wording (`Retry option maxAttempts:
 * invalid value 0; accepted: ...`); the public functions turn it into a defect
 * when run.
 *
 * @internal
 */
export const compile = (policy: Retry.RetryPolicy<any>): CompiledPolicy => compilePolicy(policy, checks)

// ---------------------------------------------------------------------------
// The policy as a schedule
// ---------------------------------------------------------------------------

/**
 * What the policies inside a logging layer's schedule said during one step:
 * the layer puts a fresh one in `currentVerdict` around the step, and reads
 * it back to name the reason and `max_attempts` in its lines.
 */
interface Verdict {
  maxAttempts: number | undefined
  stop: StopReason | undefined
}

const currentVerdict = globalValue(
  Symbol.for("effect-foundation/Retry/currentVerdict"),
  () => FiberRef.unsafeMake<Verdict | undefined>(undefined)
)

type PolicyStep = readonly [PolicyState, Duration.Duration, ScheduleDecision.ScheduleDecision]

/**
 * The policy on its own: waits, attempts, budget and `retryOn`. It logs
 * nothing; it tells an enclosing logging layer why it stops.
 *
 * @internal
 */
export const policySchedule = <E>(
  policy: CompiledPolicy,
  startedAt?: number
): Schedule.Schedule<Duration.Duration, E> =>
  Schedule.makeWithState<PolicyState, E, Duration.Duration>(
    initialState(policy, startedAt),
    (now, error, state) =>
      FiberRef.getWith(currentVerdict, (verdict): Effect.Effect<PolicyStep> => {
        if (verdict !== undefined) verdict.maxAttempts = policy.maxAttempts
        const stop = (reason: StopReason): Effect.Effect<PolicyStep> => {
          if (verdict !== undefined) verdict.stop = reason
          const start = state.start < 0 ? now : state.start
          return Effect.succeed([{ ...state, start }, Duration.zero, ScheduleDecision.done])
        }
        const early = stopBefore(policy, state, error)
        if (early !== undefined) return stop(early)
        const draw = needsDraw(policy) ? Random.next : Effect.succeed(0)
        return Effect.flatMap(draw, (u): Effect.Effect<PolicyStep> => {
          const next = retryAfter(policy, state, now, u)
          if (next === "max_elapsed") return stop(next)
          return Effect.succeed([
            next.state,
            Duration.millis(next.delay),
            ScheduleDecision.continueWith(ScheduleInterval.after(now + next.delay))
          ])
        })
      })
  )

// ---------------------------------------------------------------------------
// The logging layer
// ---------------------------------------------------------------------------

interface LoggedState {
  readonly inner: unknown
  readonly retries: number
  readonly start: number
}

/**
 * `self` with the retry lines, written from `self`'s final decision at each
 * failure: "Retrying" (WARN) when a retry will happen, "Retry attempts
 * exhausted" (ERROR) when it gives up (not when a policy inside refused the
 * error through `retryOn`). Logging layers inside `self` (from
 * `Retry.schedule`) stay silent: only the outermost one writes.
 *
 * @internal
 */
export const logged = <Out, In, R>(
  self: Schedule.Schedule<Out, In, R>,
  startedAt?: number
): Schedule.Schedule<Out, In, R> =>
  Schedule.makeWithState<LoggedState, In, Out, R>(
    { inner: self.initial, retries: 0, start: startedAt ?? -1 },
    (now, input, state) =>
      FiberRef.getWith(currentVerdict, (outer) => {
        if (outer !== undefined) {
          // An enclosing layer sees the final decision and logs: pass through.
          return Effect.map(
            self.step(now, input, state.inner),
            ([inner, out, decision]) => [{ ...state, inner }, out, decision] as const
          )
        }
        const verdict: Verdict = { maxAttempts: undefined, stop: undefined }
        return Effect.flatMap(
          Effect.locally(self.step(now, input, state.inner), currentVerdict, verdict),
          ([inner, out, decision]) => {
            const start = state.start < 0 ? now : state.start
            const attempt = state.retries + 1
            const result = [{ inner, retries: attempt, start }, out, decision] as const
            if (ScheduleDecision.isDone(decision)) {
              if (verdict.stop === "not_retryable") return Effect.succeed(result)
              const fields = exhaustedFields(
                attempt,
                verdict.maxAttempts,
                verdict.stop ?? "schedule",
                now - start,
                input
              )
              return Effect.as(logEntry("error", rootBinding, "Retry attempts exhausted", fields), result)
            }
            const delay = Math.max(0, ScheduleIntervals.start(decision.intervals) - now)
            const fields = retryingFields(attempt, verdict.maxAttempts, delay, input)
            return Effect.as(logEntry("warning", rootBinding, "Retrying", fields), result)
          }
        )
      })
  )

/**
 * The policy as a `Schedule`; a policy that is not valid makes a schedule
 * that dies (`IllegalArgumentException`) at its first step.
 *
 * @internal
 */
export const schedule = <E = unknown>(policy: Retry.RetryPolicy<E> = {}): Schedule.Schedule<Duration.Duration, E> => {
  const checked = checkOptions(() => compile(policy))
  if (checked._tag === "Left") {
    const error = checked.left
    return Schedule.makeWithState(undefined, () => Effect.die(error))
  }
  const core = policySchedule<E>(checked.right)
  return checked.right.logRetries ? logged(core) : core
}

const retrying = <A, E, R>(self: Effect.Effect<A, E, R>, policy: CompiledPolicy): Effect.Effect<A, E, R> =>
  Effect.flatMap(Clock.currentTimeMillis, (start) => {
    const core = policySchedule<E>(policy, start)
    return Effect.retry(self, policy.logRetries ? logged(core, start) : core)
  })

/**
 * The policy is checked once, when `withRetry` is called; one that is not
 * valid makes an effect that dies (`IllegalArgumentException`) without
 * running `self`.
 *
 * @internal
 */
export const withRetry: {
  (
    policy?: Retry.RetryPolicy<unknown> & { readonly retryOn?: ReadonlyArray<string> | undefined }
  ): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <E>(policy: Retry.RetryPolicy<E>): <A, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, policy: Retry.RetryPolicy<NoInfer<E>>): Effect.Effect<A, E, R>
} = (...args: Array<any>): any => {
  if (Effect.isEffect(args[0])) {
    const self = args[0]
    return orDie(checkOptions(() => compile(args[1] ?? {})), (policy) => retrying(self, policy))
  }
  const checked = checkOptions(() => compile(args[0] ?? {}))
  return <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    orDie(checked, (policy) => retrying(self, policy))
}
