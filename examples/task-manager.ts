/**
 * Seed: "With asyncio Tasks" (`task_manager`): ten monitored tasks run
 * concurrently; each logs started / completed (or failed, or cancelled) with
 * its task_id; then one line with the done and pending counts.
 *
 * provide.foundation's example waits 30 seconds; here the timeout is 1 second so that the slow
 * tasks show up as pending (they are interrupted and log "Task cancelled").
 */
import { NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { ErrorHandling, FoundationLive, Log, Task } from "effect-foundation"

const workCoroutine = (i: number) =>
  Effect.gen(function*() {
    yield* Log.debug("Working", { step: i })
    yield* Effect.sleep(`${i * 150} millis`)
    if (i === 4) return yield* new ErrorHandling.ValidationError({ message: "bad input", field: "row", value: i })
    return i * i
  })

const taskManager = Effect.gen(function*() {
  const tasks = Array.from({ length: 10 }, (_, i) => [`task-${i}`, workCoroutine(i)] as const)
  // Wait with timeout; logs "Tasks completed" with done and pending
  const { done, pending, results } = yield* Task.runAll(tasks, { timeout: "1 second" })
  const values = results.flatMap((r) => (r.status === "completed" && r.exit?._tag === "Success" ? [r.exit.value] : []))
  yield* Log.info("Task manager finished", { done, pending, sum: values.reduce((a, b) => a + b, 0) })
})

taskManager.pipe(Effect.provide(FoundationLive), NodeRuntime.runMain)
