/**
 * provide.foundation's `BatchedLogger` (flush every 100 records or every second), the
 * Effect way: batching is the sink's job, so the program just logs. Lines are
 * buffered and written in batches when `flushSize` bytes are buffered or
 * `flushInterval` passes; closing the layer flushes the rest.
 *
 *   npx tsx --conditions=source examples/batched-logging.ts
 *   PROVIDE_LOG_FILE=/tmp/app.log PROVIDE_LOG_FLUSH_INTERVAL="1 s" npx tsx --conditions=source examples/batched-logging.ts
 *
 * The same settings as options: `Foundation.layer({ sink: { flushSize, flushInterval, ... } })`.
 * provide.foundation's "100 records" is a byte size here (records vary in length): 100
 * console records of ~80 bytes ≈ 8 KiB.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { Foundation, Log, LogSink, Telemetry } from "effect-foundation"

const Logging = Layer.unwrapEffect(
  Effect.map(LogSink.config, (fromEnv) =>
    Foundation.layer({
      sink: { flushSize: 8 * 1024, flushInterval: "1 second", overflow: "drop_oldest", ...fromEnv }
    }))
)

const handle = (i: number) =>
  Effect.gen(function*() {
    yield* Log.info("Event processed", { event_id: i, kind: i % 3 === 0 ? "order" : "view" })
    if (i % 250 === 0) yield* Effect.sleep("50 millis") // the program does other work meanwhile
  })

const main = Effect.gen(function*() {
  yield* Log.info("Batched logging demo: 1,000 events")
  yield* Effect.forEach(Array.from({ length: 1_000 }, (_, i) => i + 1), handle, { discard: true })
  // Not needed before exit (closing the layer flushes), but available, e.g. before a handover:
  const report = yield* Telemetry.flush("2 seconds")
  yield* Log.info("Batch flush", { result: report.status, pending: report.pending, dropped: report.dropped })
})

main.pipe(Effect.provide(Logging), NodeRuntime.runMain)
