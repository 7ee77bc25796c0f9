/**
 * Seed: best practice 2, "Log Task Lifecycle" (background_task).
 * `Task.monitored` does the same with task_id bound and interruption logged.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { FoundationLive, Log } from "effect-foundation"

const doWork = (name: string) => Effect.as(Effect.sleep("100 millis"), `${name}-result`)

const backgroundTask = (name: string) =>
  Effect.gen(function*() {
    yield* Log.info(`Task ${name} starting`)
    const result = yield* doWork(name)
    yield* Log.info(`Task ${name} completed`, { result })
    return result
  }).pipe(
    Effect.tapErrorCause((cause) => Log.error(`Task ${name} failed`, { error: String(cause) }))
  )

backgroundTask("nightly-report").pipe(Effect.provide(FoundationLive), NodeRuntime.runMain)
