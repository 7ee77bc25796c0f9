/**
 * Task lifecycle logging: the counterpart of the seed's `monitored_task` and
 * `task_manager`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Task } from "effect-foundation"
 * const work = Effect.sleep("1 second").pipe(Task.monitored("task-1"))
 * // Task started task_id=task-1 / Task completed task_id=task-1 duration_ms=1000
 * ```
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { errorMessage, errorTag } from "./internal/retryPolicy.js"
import * as Log from "./Log.js"

const finished = (exit: Exit.Exit<unknown, unknown>, durationMs: number): Effect.Effect<void> => {
  if (Exit.isSuccess(exit)) return Log.info("Task completed", { duration_ms: durationMs })
  const cause = exit.cause
  if (Cause.isInterruptedOnly(cause)) return Log.warning("Task cancelled", { duration_ms: durationMs })
  const failure = Cause.failureOption(cause)
  const error = Option.isSome(failure) ? failure.value : Option.getOrUndefined(Cause.dieOption(cause))
  return Log.exception("Task failed", cause, {
    duration_ms: durationMs,
    error: errorMessage(error),
    error_tag: errorTag(error)
  })
}

const monitor = <A, E, R>(self: Effect.Effect<A, E, R>, taskId: string): Effect.Effect<A, E, R> =>
  Log.withContext(
    Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(Clock.currentTimeMillis, (start) =>
        Effect.zipRight(
          Log.info("Task started"),
          Effect.onExit(restore(self), (exit) =>
            Effect.flatMap(Clock.currentTimeMillis, (end) => finished(exit, end - start)))
        ))
    ),
    { task_id: taskId }
  )

/**
 * Runs `self` as a monitored task: "Task started" (INFO), then one of
 * "Task completed" (INFO, `duration_ms`), "Task cancelled" (WARN, on
 * interruption, e.g. by an enclosing `Effect.timeout`) or "Task failed"
 * (ERROR, with the cause, `error` and `error_tag`). Every record inside,
 * these lines and the task's own, carries `task_id`. A, E and R are
 * unchanged. Data-first and data-last.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Task } from "effect-foundation"
 * const job = Task.monitored(Effect.succeed(42), "job-7")
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const monitored: {
  (taskId: string): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, taskId: string): Effect.Effect<A, E, R>
} = function(...args: Array<any>) {
  if (Effect.isEffect(args[0])) return monitor(args[0], args[1])
  const taskId = args[0] as string
  return (self: Effect.Effect<unknown, unknown, unknown>) => monitor(self, taskId)
} as any

/**
 * Options of {@link runAll}.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunAllOptions {
  /** Stop waiting after this long; unfinished tasks are interrupted (and log "Task cancelled"). Default: wait for all. */
  readonly timeout?: Duration.DurationInput | undefined
  /** How many tasks run at once. Default "unbounded" (all at once, like `asyncio.create_task`). */
  readonly concurrency?: number | "unbounded" | undefined
}

/**
 * What happened to one task. `pending`: it had not finished when the timeout
 * fired (it was interrupted, or never started).
 *
 * @since 0.1.0
 * @category models
 */
export interface TaskResult<A, E> {
  readonly taskId: string
  readonly status: "completed" | "failed" | "cancelled" | "pending"
  readonly exit: Exit.Exit<A, E> | undefined
}

/**
 * The outcome of {@link runAll}: `done` (finished in time, whatever the
 * outcome) and `pending` counts, like `asyncio.wait`, and each task's result
 * in input order.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunAllResult<A, E> {
  readonly done: number
  readonly pending: number
  readonly results: ReadonlyArray<TaskResult<A, E>>
}

/**
 * Tasks for {@link runAll}: `[taskId, effect]` pairs, bare effects (named
 * `task-0`, `task-1`, ...), or a record from task id to effect.
 *
 * @since 0.1.0
 * @category models
 */
export type Tasks<T extends Effect.Effect<any, any, any>> =
  | Iterable<T | readonly [string, T]>
  | { readonly [taskId: string]: T }

const isIterable = (u: unknown): u is Iterable<unknown> =>
  typeof u === "object" && u !== null && Symbol.iterator in u

/**
 * Runs every task concurrently, each through {@link monitored}, waits for all
 * of them or until `timeout`, then logs "Tasks completed" with `done`,
 * `pending` and `failed` counts: the counterpart of the seed's
 * `task_manager` (`asyncio.wait(tasks, timeout=30.0)`). Never fails; the
 * tasks' outcomes are in `results`. Unlike `asyncio.wait`, tasks still
 * running at the timeout are interrupted, so no work outlives the call.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Task } from "effect-foundation"
 * const work = (i: number) => Effect.as(Effect.sleep(`${i * 100} millis`), i)
 * const program = Task.runAll(Array.from({ length: 10 }, (_, i) => [`task-${i}`, work(i)] as const), {
 *   timeout: "30 seconds"
 * })
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const runAll = <T extends Effect.Effect<any, any, any>>(
  tasks: Tasks<T>,
  options: RunAllOptions = {}
): Effect.Effect<RunAllResult<Effect.Effect.Success<T>, Effect.Effect.Error<T>>, never, Effect.Effect.Context<T>> =>
  Effect.suspend(() => {
    type A = Effect.Effect.Success<T>
    type E = Effect.Effect.Error<T>
    const entries: Array<readonly [string, Effect.Effect<A, E, Effect.Effect.Context<T>>]> = []
    if (isIterable(tasks)) {
      let i = 0
      for (const item of tasks) {
        entries.push(Effect.isEffect(item) ? [`task-${i}`, item] : (item as readonly [string, T]))
        i++
      }
    } else {
      for (const key of Object.keys(tasks)) entries.push([key, (tasks as Record<string, T>)[key]!])
    }
    const exits: Array<Exit.Exit<A, E> | undefined> = entries.map(() => undefined)
    const all = Effect.forEach(
      entries,
      ([taskId, task], i) =>
        Effect.flatMap(Effect.exit(monitor(task, taskId)), (exit) =>
          Effect.sync(() => {
            exits[i] = exit
          })),
      { concurrency: options.concurrency ?? "unbounded", discard: true }
    )
    const waited = options.timeout === undefined ? all : Effect.asVoid(Effect.timeoutOption(all, options.timeout))
    return Effect.flatMap(waited, () => {
      const results: Array<TaskResult<A, E>> = entries.map(([taskId], i) => {
        const exit = exits[i]
        const status: TaskResult<A, E>["status"] = exit === undefined
          ? "pending"
          : Exit.isSuccess(exit)
          ? "completed"
          : Cause.isInterruptedOnly(exit.cause)
          ? "cancelled"
          : "failed"
        return { taskId, status, exit }
      })
      const done = results.filter((r) => r.status !== "pending").length
      const failed = results.filter((r) => r.status === "failed").length
      return Effect.as(
        Log.info("Tasks completed", { done, pending: results.length - done, failed }),
        { done, pending: results.length - done, results }
      )
    })
  })
