/**
 * Task lifecycle logging (`monitored`) and `runAll` for the Effect 4 binding: the same lines as the Effect 3
 * binding's, on effect 4's flat `Cause` and fibers.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import { dual } from "effect/Function"
import * as Option from "effect/Option"
import { errorMessage, errorTag } from "../../core/errors.js"
import { rootBinding } from "../../core/record.js"
import { taskCounts, taskEntries } from "../../core/task.js"
import type * as Task from "../Task.js"
import { withContext } from "./context.js"
import { logException, logRecord } from "./log.js"

/**
 * "Task failed" whenever the cause holds a failure or a defect, even beside interruptions (siblings interrupted by
 * `Effect.all`); "Task cancelled" only for a cause of interruptions alone.
 */
const finished = (exit: Exit.Exit<unknown, unknown>, durationMs: number): Effect.Effect<void> => {
  if (Exit.isSuccess(exit)) return logRecord("info", rootBinding, "Task completed", { duration_ms: durationMs })
  const cause = exit.cause
  if (Cause.hasInterruptsOnly(cause)) {
    return logRecord("warning", rootBinding, "Task cancelled", { duration_ms: durationMs })
  }
  let error: unknown
  let found = false
  for (const r of cause.reasons) {
    if (r._tag === "Fail") {
      error = r.error
      found = true
      break
    }
  }
  if (!found) { for (const r of cause.reasons) if (r._tag === "Die") error ??= r.defect }
  return logException(rootBinding, "Task failed", cause, {
    duration_ms: durationMs,
    error: errorMessage(error),
    error_tag: errorTag(error)
  })
}

const monitor = <A, E, R>(self: Effect.Effect<A, E, R>, taskId: string): Effect.Effect<A, E, R> =>
  withContext({ task_id: taskId })(
    Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(Clock.currentTimeMillis, (start) =>
        Effect.andThen(
          logRecord("info", rootBinding, "Task started"),
          Effect.onExit(
            restore(self),
            (exit) => Effect.flatMap(Clock.currentTimeMillis, (end) => finished(exit, end - start))
          )
        ))
    )
  )

/** @internal */
export const monitored: {
  (taskId: string): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, taskId: string): Effect.Effect<A, E, R>
} = dual(2, monitor)

const statusOf = <A, E>(exit: Exit.Exit<A, E> | undefined): Task.TaskResult<A, E>["status"] =>
  exit === undefined
    ? "pending"
    : Exit.isSuccess(exit)
    ? "completed"
    : Cause.hasInterruptsOnly(exit.cause)
    ? "cancelled"
    : "failed"

/**
 * Whether a running fiber can be interrupted now. Effect 4's `Fiber` interface does not expose it; its runtime
 * fiber carries it as `interruptible` (an unknown fiber counts as interruptible).
 */
const interruptibleNow = (fiber: Fiber.Fiber<unknown, unknown>): boolean =>
  (fiber as { readonly interruptible?: unknown }).interruptible !== false

/**
 * After the timeout has interrupted the tasks: waits (without letting clock time pass) until every started task has
 * either ended or sits in an uninterruptible region, which the interruption cannot cut short. Those run on in the
 * background.
 */
const settle = (fibers: ReadonlyArray<Fiber.Fiber<unknown, unknown> | undefined>): Effect.Effect<void> => {
  const busy = () => fibers.some((f) => f !== undefined && f.pollUnsafe() === undefined && interruptibleNow(f))
  let rounds = 0
  const loop: Effect.Effect<void> = Effect.suspend(() =>
    busy() && rounds++ < 10_000 ? Effect.andThen(Effect.yieldNow, loop) : Effect.void
  )
  return loop
}

type Entry<A, E, R> = readonly [string, Effect.Effect<A, E, R>]

/** @internal */
export const runAll = <T extends Effect.Effect<any, any, any>>(
  tasks: Task.Tasks<T>,
  options: Task.RunAllOptions = {}
): Effect.Effect<
  Task.RunAllResult<Effect.Success<T>, Effect.Error<T>>,
  never,
  Effect.Services<T>
> =>
  Effect.suspend(() => {
    type A = Effect.Success<T>
    type E = Effect.Error<T>
    type R = Effect.Services<T>
    const entries = taskEntries(tasks, Effect.isEffect) as Array<Entry<A, E, R>>
    const exits: Array<Exit.Exit<A, E> | undefined> = entries.map(() => undefined)
    const fibers: Array<Fiber.Fiber<unknown, unknown> | undefined> = entries.map(() => undefined)
    const all = Effect.forEach(
      entries,
      ([taskId, task], i) =>
        Effect.withFiber<void, never, R>((fiber) => {
          fibers[i] = fiber
          return Effect.flatMap(Effect.exit(monitor(task, taskId)), (exit) =>
            Effect.sync(() => {
              exits[i] = exit
            }))
        }),
      { concurrency: options.concurrency ?? "unbounded", discard: true }
    )
    const report = Effect.suspend(() => {
      // A snapshot: a task still running in the background does not change it later.
      const results: Array<Task.TaskResult<A, E>> = entries.map(([taskId], i) => {
        const exit = exits[i]
        return { taskId, status: statusOf(exit), exit }
      })
      const counts = taskCounts(results)
      return Effect.as(logRecord("info", rootBinding, "Tasks completed", counts), {
        done: counts.done,
        pending: counts.pending,
        results
      })
    })
    if (options.timeout === undefined) return Effect.andThen(all, report)
    const timeout: Duration.Input = options.timeout
    // The tasks run in a detached fiber so that the timeout does not wait for an uninterruptible one: interrupting
    // them is sent, not awaited beyond what finishes without clock time passing.
    return Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(Effect.forkDetach(Effect.interruptible(all)), (fiber) =>
        Effect.flatMap(
          restore(Effect.timeoutOption(Fiber.await(fiber), timeout)).pipe(
            // Interrupted from outside: the tasks are interrupted and awaited, as Effect does.
            Effect.onInterrupt(() => Fiber.interrupt(fiber))
          ),
          (ended) =>
            Option.isSome(ended)
              ? report
              : Effect.withFiber((self) => {
                fiber.interruptUnsafe(self.id)
                return Effect.andThen(settle(fibers), report)
              })
        ))
    )
  })
