/**
 * The Effect-free part of `Task.runAll`, shared by both bindings: the tasks as `[taskId, task]` entries (a plain task
 * of a list named `task-<index>`), and the counts of the "Tasks completed" record.
 */

/**
 * A task's state in the `runAll` report.
 *
 * @internal
 */
export type TaskStatus = "completed" | "failed" | "cancelled" | "pending"

/**
 * The tasks as entries: a list's items (a task alone is `task-<index>`, a `[taskId, task]` pair keeps its id), or an
 * object's own keys in their order. `isTask` tells a task from a pair.
 *
 * @internal
 */
export const taskEntries = <T>(
  tasks: Iterable<T | readonly [string, T]> | { readonly [taskId: string]: T },
  isTask: (item: unknown) => boolean
): Array<readonly [string, T]> => {
  const entries: Array<readonly [string, T]> = []
  if (typeof tasks === "object" && tasks !== null && Symbol.iterator in tasks) {
    let i = 0
    for (const item of tasks as Iterable<T | readonly [string, T]>) {
      entries.push(isTask(item) ? [`task-${i}`, item as T] : (item as readonly [string, T]))
      i++
    }
  } else {
    const record = tasks as { readonly [taskId: string]: T }
    for (const key of Object.keys(record)) entries.push([key, record[key]!])
  }
  return entries
}

/**
 * The counts of the "Tasks completed" record: ended (`done`), still running (`pending`), and `failed`.
 *
 * @internal
 */
export const taskCounts = (
  results: ReadonlyArray<{ readonly status: TaskStatus }>
): { readonly done: number; readonly pending: number; readonly failed: number } => {
  let done = 0
  let failed = 0
  for (const r of results) {
    if (r.status !== "pending") done++
    if (r.status === "failed") failed++
  }
  return { done, pending: results.length - done, failed }
}
