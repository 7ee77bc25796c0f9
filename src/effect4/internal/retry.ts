/**
 * Retry policies on effect 4's `Schedule` (a step function per run, `Cause.done` to stop; no ScheduleDecision or
 * ScheduleInterval): the policy as a schedule, and the logging layer that writes the retry lines from the final
 * decision of the schedule it wraps. The policy's checks, waits and lines' fields are the core's (src/core/retry.ts).
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Pull from "effect/Pull"
import * as Random from "effect/Random"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import type { OptionChecks } from "../../core/optionChecks.js"
import { rootBinding } from "../../core/record.js"
import {
  type CompiledPolicy,
  compilePolicy,
  exhaustedFields,
  initialState,
  needsDraw,
  type PolicyInput,
  type PolicyState,
  retryAfter,
  retryingFields,
  stopBefore,
  type StopReason
} from "../../core/retry.js"
import { logRecord } from "./log.js"
import { checkOptions, duration, invalidOption, option, orDie } from "./parse.js"

const checks: OptionChecks = { option, invalid: invalidOption, duration }

/**
 * The policy, checked and with its defaults; throws `IllegalArgumentError` in the one wording.
 *
 * @internal
 */
export const compile = (policy: PolicyInput): CompiledPolicy => compilePolicy(policy, checks)

/**
 * What the policies inside a logging layer's schedule said during one step: the layer provides a fresh one around
 * the step, and reads it back to name the reason and `max_attempts` in its lines.
 */
interface Verdict {
  maxAttempts: number | undefined
  stop: StopReason | undefined
}

const CurrentVerdict = Context.Reference<Verdict | undefined>("effect-foundation/effect4/Retry/CurrentVerdict", {
  defaultValue: () => undefined
})

type Step<Out, In, E, R> = (now: number, input: In) => Pull.Pull<[Out, Duration.Duration], E, Out, R>

/**
 * The policy on its own: waits, attempts, budget and `retryOn`. It logs nothing; it tells an enclosing logging
 * layer why it stops. Its state is per run (effect 4 makes the step function anew for each `Effect.retry`).
 *
 * @internal
 */
export const policySchedule = <E>(
  policy: CompiledPolicy,
  startedAt?: number
): Schedule.Schedule<Duration.Duration, E> =>
  Schedule.fromStep(Effect.sync((): Step<Duration.Duration, E, never, never> => {
    let state: PolicyState = initialState(policy, startedAt)
    return (now, error) =>
      Effect.withFiber((fiber) => {
        const verdict = fiber.getRef(CurrentVerdict)
        if (verdict !== undefined) verdict.maxAttempts = policy.maxAttempts
        const stop = (reason: StopReason) => {
          if (verdict !== undefined) verdict.stop = reason
          if (state.start < 0) state = { ...state, start: now }
          return Cause.done(Duration.zero)
        }
        const early = stopBefore(policy, state, error)
        if (early !== undefined) return stop(early)
        const go = (u: number) => {
          const next = retryAfter(policy, state, now, u)
          if (next === "max_elapsed") return stop(next)
          state = next.state
          const delay = Duration.millis(next.delay)
          return Effect.succeed<[Duration.Duration, Duration.Duration]>([delay, delay])
        }
        return needsDraw(policy) ? Effect.flatMap(Random.next, go) : go(0)
      })
  }))

/**
 * `self` with the retry lines, written from `self`'s final decision at each failure: "Retrying" (WARN) when a retry
 * will happen, "Retry attempts exhausted" (ERROR) when it gives up (not when a policy inside refused the error
 * through `retryOn`). Logging layers inside `self` (from `Retry.schedule`) stay silent: only the outermost one writes.
 *
 * @internal
 */
export const logged = <Out, In, E, R>(
  self: Schedule.Schedule<Out, In, E, R>,
  startedAt?: number
): Schedule.Schedule<Out, In, E, R> =>
  Schedule.fromStep(Effect.map(Schedule.toStep(self), (step): Step<Out, In, E, R> => {
    let retries = 0
    let start = startedAt ?? -1
    return (now, input) =>
      Effect.withFiber((fiber) => {
        // An enclosing layer sees the final decision and logs: pass through.
        if (fiber.getRef(CurrentVerdict) !== undefined) return step(now, input)
        const verdict: Verdict = { maxAttempts: undefined, stop: undefined }
        if (start < 0) start = now
        const attempt = ++retries
        return Pull.matchEffect(Effect.provideService(step(now, input), CurrentVerdict, verdict), {
          onSuccess: (result) => {
            const delay = Math.max(0, Duration.toMillis(result[1]))
            const fields = retryingFields(attempt, verdict.maxAttempts, delay, input)
            return Effect.as(logRecord("warning", rootBinding, "Retrying", fields), result)
          },
          onFailure: Effect.failCause,
          onDone: (out) => {
            if (verdict.stop === "not_retryable") return Cause.done(out)
            const reason = verdict.stop ?? "schedule"
            const fields = exhaustedFields(attempt, verdict.maxAttempts, reason, now - start, input)
            return Effect.andThen(logRecord("error", rootBinding, "Retry attempts exhausted", fields), Cause.done(out))
          }
        })
      })
  }))

/**
 * The policy as a `Schedule`; a policy that is not valid makes a schedule that dies (`IllegalArgumentError`) at its
 * first step.
 *
 * @internal
 */
export const schedule = <E = unknown>(policy: PolicyInput = {}): Schedule.Schedule<Duration.Duration, E> => {
  const checked = checkOptions(() => compile(policy))
  if (Result.isFailure(checked)) {
    const error = checked.failure
    return Schedule.fromStep(Effect.succeed(() => Effect.die(error)))
  }
  const core = policySchedule<E>(checked.success)
  return checked.success.logRetries ? logged(core) : core
}

const retrying = <A, E, R>(self: Effect.Effect<A, E, R>, policy: CompiledPolicy): Effect.Effect<A, E, R> =>
  Effect.flatMap(Clock.currentTimeMillis, (start) => {
    const core = policySchedule<E>(policy, start)
    return Effect.retry(self, policy.logRetries ? logged(core, start) : core)
  })

/**
 * The policy is checked once, when `withRetry` is called; one that is not valid makes an effect that dies
 * (`IllegalArgumentError`) without running `self`.
 *
 * @internal
 */
export const withRetry = (...args: Array<any>): any => {
  if (Effect.isEffect(args[0])) {
    const self = args[0]
    return orDie(checkOptions(() => compile(args[1] ?? {})), (policy) => retrying(self, policy))
  }
  const checked = checkOptions(() => compile(args[0] ?? {}))
  return <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    orDie(checked, (policy) => retrying(self, policy))
}
