/**
 * provide.foundation's `high_throughput_handler`: logging does not slow task creation
 * and does not block the event loop. `Log.debug` below the level costs almost
 * nothing (no formatting); `Log.info` formats one string and queues it; bytes
 * leave in batches with async writes. The demo times the task-creation loop
 * (1,000 `Log.debug` calls included) and prints it on stderr at the end.
 *
 *   npx tsx --conditions=source examples/high-throughput.ts > /dev/null
 *   PROVIDE_LOG_LEVEL=DEBUG npx tsx --conditions=source examples/high-throughput.ts | tail -3
 */
import { NodeRuntime } from "@effect/platform-node"
import { Clock, Effect } from "effect"
import { FoundationLive, Log } from "effect-foundation"

const processItem = (i: number) =>
  Effect.gen(function*() {
    yield* Effect.sleep(`${i % 20} millis`) // simulated I/O
    yield* Log.info("Item processed", { task_id: i })
    return i * 2
  })

const highThroughputHandler = Effect.gen(function*() {
  yield* Log.info("Starting batch")
  const t0 = yield* Clock.currentTimeNanos
  const tasks: Array<Effect.Effect<number>> = []
  for (let i = 0; i < 1_000; i++) {
    // these complete immediately: logging does not slow down task creation
    yield* Log.debug("Creating task", { task_id: i })
    tasks.push(processItem(i))
  }
  const createdIn = Number((yield* Clock.currentTimeNanos) - t0) / 1e6
  const results = yield* Effect.all(tasks, { concurrency: "unbounded" })
  yield* Log.info("Batch complete", { count: results.length })
  return createdIn
})

const main = Effect.gen(function*() {
  const createdIn = yield* highThroughputHandler
  yield* Effect.sync(() =>
    process.stderr.write(`1,000 tasks created (with 1,000 Log.debug calls) in ${createdIn.toFixed(2)} ms\n`)
  )
})

main.pipe(Effect.provide(FoundationLive), NodeRuntime.runMain)
