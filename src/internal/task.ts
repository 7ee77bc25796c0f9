/**
 * Task lifecycle logging (`monitored`) and `runAll`.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberStatus from "effect/FiberStatus"
import { dual } from "effect/Function"
import * as Option from "effect/Option"
import * as RuntimeFlags from "effect/RuntimeFlags"
import { rootBinding } from "../core/record.js"
import { taskCounts, taskEntries } from "../core/task.js"
import type * as Task from "../Task.js"
import { errorMessage, errorTag } from "./errors.js"
import { logEntry, logException } from "./record.js"

/**
 * "Task failed" whenever the cause holds a failure or a defect, even beside
 * interruptions (siblings interrupted by `Effect.all`); "Task cancelled"
 * only for a cause of interruptions alone.
 */
const finished = (exit: Exit.Exit<unknown, unknown>, durationMs: number): Effect.Effect<void> => {
  if (Exit.isSuccess(exit)) return logEntry("info", rootBinding, "Task completed", { duration_ms: durationMs })
  const cause = exit.cause
  if (Cause.isInterruptedOnly(cause)) {
    return logEntry("warning", rootBinding, "Task cancelled", { duration_ms: durationMs })
  }
  const failure = Cause.failureOption(cause)
  const error = Option.isSome(failure) ? failure.value : Option.getOrUndefined(Cause.dieOption(cause))
  return logException(rootBinding, "Task failed", cause, {
    duration_ms: durationMs,
    error: errorMessage(error),
    error_tag: errorTag(error)
  })
}

const monitor = <A, E, R>(self: Effect.Effect<A, E, R>, taskId: string): Effect.Effect<A, E, R> =>
  Effect.annotateLogs(
    Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(Clock.currentTimeMillis, (start) =>
        Effect.zipRight(
          logEntry("info", rootBinding, "Task started", undefined),
          Effect.onExit(restore(self), (exit) =>
            Effect.flatMap(Clock.currentTimeMillis, (end) => finished(exit, end - start)))
        ))
    ),
    "task_id",
    taskId
  )

/** @internal */
export const monitored: {
  (taskId: string): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, taskId: string): Effect.Effect<A, E, R>
} = dual(2, monitor)

const statusOf = <A, E>(
  exit: Exit.Exit<A, E> | undefined
): Task.TaskResult<A, E>["status"] =>
  exit === undefined
    ? "pending"
    : Exit.isSuccess(exit)
    ? "completed"
    : Cause.isInterruptedOnly(exit.cause)
    ? "cancelled"
    : "failed"

/**
 * After the timeout has interrupted the tasks: waits (without letting clock
 * time pass) until every started task has either ended or sits in an
 * uninterruptible region, which the interruption cannot cut short. Those run
 * on in the background.
 */
const settle = (
  fibers: ReadonlyArray<Fiber.RuntimeFiber<unknown, unknown> | undefined>
): Effect.Effect<void> => {
  const busy = Effect.suspend(() => {
    const checks: Array<Effect.Effect<boolean>> = []
    for (const fiber of fibers) {
      if (fiber === undefined || fiber.unsafePoll() !== null) continue
      checks.push(
        Effect.map(
          Fiber.status(fiber),
          (status) => !FiberStatus.isDone(status) && RuntimeFlags.interruptible(status.runtimeFlags)
        )
      )
    }
    return Effect.map(Effect.all(checks), (flags) => flags.some((b) => b))
  })
  let rounds = 0
  const loop: Effect.Effect<void> = Effect.flatMap(
    busy,
    (b) => b && rounds++ < 10_000 ? Effect.zipRight(Effect.yieldNow(), loop) : Effect.void
  )
  return loop
}

/** @internal */
export const runAll = <T extends Effect.Effect<any, any, any>>(
  tasks: Task.Tasks<T>,
  options: Task.RunAllOptions = {}
): Effect.Effect<
  Task.RunAllResult<Effect.Effect.Success<T>, Effect.Effect.Error<T>>,
  never,
  Effect.Effect.Context<T>
> =>
  Effect.suspend(() => {
    type A = Effect.Effect.Success<T>
    type E = Effect.Effect.Error<T>
    type R = Effect.Effect.Context<T>
    const entries = taskEntries(tasks, Effect.isEffect) as Array<readonly [string, Effect.Effect<A, E, R>]>
    const exits: Array<Exit.Exit<A, E> | undefined> = entries.map(() => undefined)
    const fibers: Array<Fiber.RuntimeFiber<unknown, unknown> | undefined> = entries.map(() => undefined)
    const all = Effect.forEach(
      entries,
      ([taskId, task], i) =>
        Effect.withFiberRuntime<void, never, R>((fiber) => {
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
      return Effect.as(logEntry("info", rootBinding, "Tasks completed", counts), {
        done: counts.done,
        pending: counts.pending,
        results
      })
    })
    if (options.timeout === undefined) return Effect.zipRight(all, report)
    const timeout: Duration.DurationInput = options.timeout
    // The tasks run in a daemon fiber so that the timeout does not wait for an
    // uninterruptible one (as `Effect.disconnect`): interrupting them is sent,
    // not awaited beyond what finishes without clock time passing.
    return Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(Effect.forkDaemon(Effect.interruptible(all)), (fiber) =>
        Effect.flatMap(
          restore(Effect.timeoutOption(Fiber.await(fiber), timeout)).pipe(
            // Interrupted from outside: the tasks are interrupted and awaited, as Effect does.
            Effect.onInterrupt(() => Fiber.interrupt(fiber))
          ),
          (ended) =>
            Option.isSome(ended)
              ? report
              : Effect.zipRight(Effect.zipRight(Fiber.interruptFork(fiber), settle(fibers)), report)
        ))
    )
  })
