/**
 * Task lifecycle logging: the counterpart of provide.foundation's `monitored_task` and
 * `task_manager`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Task } from "effect-foundation/effect4"
 * const work = Effect.sleep("1 second").pipe(Task.monitored("task-1"))
 * // Task started task_id=task-1 / Task completed task_id=task-1 duration_ms=1000
 * ```
 *
 * @since 0.2.0
 */
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as internal from "./internal/task.js"

/**
 * Runs `self` as a monitored task: "Task started" (INFO), then one of
 * "Task completed" (INFO, `duration_ms`), "Task cancelled" (WARN, when it
 * ended by interruption alone, e.g. by an enclosing `Effect.timeout`) or
 * "Task failed" (ERROR, with the cause, `error` and `error_tag`, whenever the
 * cause holds a failure or a defect, also beside interruptions: siblings that
 * `Effect.all` interrupted after a failure). Every record inside,
 * these lines and the task's own, carries `task_id`. A, E and R are
 * unchanged. Data-first and data-last.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Task } from "effect-foundation/effect4"
 * const job = Task.monitored(Effect.succeed(42), "job-7")
 * ```
 *
 * @since 0.2.0
 * @category combinators
 */
export const monitored: {
  /**
   * Runs `self` as a monitored task: "Task started" (INFO), then one of
   * "Task completed" (INFO, `duration_ms`), "Task cancelled" (WARN, when it
   * ended by interruption alone, e.g. by an enclosing `Effect.timeout`) or
   * "Task failed" (ERROR, with the cause, `error` and `error_tag`, whenever the
   * cause holds a failure or a defect, also beside interruptions: siblings that
   * `Effect.all` interrupted after a failure). Every record inside,
   * these lines and the task's own, carries `task_id`. A, E and R are
   * unchanged. Data-first and data-last.
   *
   * Data-last: `effect.pipe(Task.monitored(…))`.
   */
  (taskId: string): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /**
   * Runs `self` as a monitored task: "Task started" (INFO), then one of
   * "Task completed" (INFO, `duration_ms`), "Task cancelled" (WARN, when it
   * ended by interruption alone, e.g. by an enclosing `Effect.timeout`) or
   * "Task failed" (ERROR, with the cause, `error` and `error_tag`, whenever the
   * cause holds a failure or a defect, also beside interruptions: siblings that
   * `Effect.all` interrupted after a failure). Every record inside,
   * these lines and the task's own, carries `task_id`. A, E and R are
   * unchanged. Data-first and data-last.
   *
   * Data-first: `Task.monitored(effect, …)`.
   */
  <A, E, R>(self: Effect.Effect<A, E, R>, taskId: string): Effect.Effect<A, E, R>
} = internal.monitored

/**
 * Options of {@link runAll}.
 *
 * @since 0.2.0
 * @category models
 */
export interface RunAllOptions {
  /**
   * Return after this long at the latest; unfinished tasks are interrupted
   * (and log "Task cancelled"). Default: wait for all.
   */
  readonly timeout?: Duration.Input | undefined
  /** How many tasks run at once. Default "unbounded" (all at once, like `asyncio.create_task`). */
  readonly concurrency?: number | "unbounded" | undefined
}

/**
 * What happened to one task. `pending`: it had not finished when the timeout
 * fired (it was interrupted, never started, or could not be interrupted and
 * runs on in the background). `cancelled`: it ended by interruption alone
 * before the timeout (e.g. it interrupted itself).
 *
 * @since 0.2.0
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
 * @since 0.2.0
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
 * @since 0.2.0
 * @category models
 */
export type Tasks<T extends Effect.Effect<any, any, any>> =
  | Iterable<T | readonly [string, T]>
  | { readonly [taskId: string]: T }

/**
 * Runs every task concurrently, each through {@link monitored}, waits for all
 * of them or until `timeout`, then logs "Tasks completed" with `done`,
 * `pending` and `failed` counts: the counterpart of provide.foundation's
 * `task_manager` (`asyncio.wait(tasks, timeout=30.0)`). Never fails; the
 * tasks' outcomes are in `results`.
 *
 * The timeout bounds when `runAll` returns. Unlike `asyncio.wait`, tasks
 * still running then are interrupted: those that can be (the usual case)
 * end, and log "Task cancelled", before `runAll` returns. A task inside an
 * uninterruptible region cannot be cut short: `runAll` does not wait for it
 * (as with a detached fiber); it is reported `pending`, runs on in the
 * background (in a detached fiber) until its region ends, then is interrupted
 * there and logs its own "Task cancelled" (or "Task failed") line; its result
 * is discarded. If the program exits first, it is cut off with the process.
 * An interruption of `runAll` itself interrupts the tasks and waits for them,
 * as Effect does.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Task } from "effect-foundation/effect4"
 * const work = (i: number) => Effect.as(Effect.sleep(`${i * 100} millis`), i)
 * const program = Task.runAll(Array.from({ length: 10 }, (_, i) => [`task-${i}`, work(i)] as const), {
 *   timeout: "30 seconds"
 * })
 * ```
 *
 * @since 0.2.0
 * @category combinators
 */
export const runAll: <T extends Effect.Effect<any, any, any>>(
  tasks: Tasks<T>,
  options?: RunAllOptions
) => Effect.Effect<RunAllResult<Effect.Success<T>, Effect.Error<T>>, never, Effect.Services<T>> = internal.runAll
