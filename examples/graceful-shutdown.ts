/**
 * provide.foundation's graceful shutdown (`shutdown_foundation_telemetry`), the Effect
 * way. FoundationLive's scope closes when the program ends, fails, is
 * interrupted, or gets SIGINT/SIGTERM under `NodeRuntime.runMain`; its
 * finalizer flushes every buffered line (deadline 5 s, PROVIDE_LOG_SHUTDOWN_TIMEOUT).
 * Nothing to call, nothing to forget. `Telemetry.shutdown` is there for when
 * you want it earlier, and it is idempotent.
 *
 *   npx tsx --conditions=source examples/graceful-shutdown.ts          (runs 3 s, then shuts down)
 *   ... then press Ctrl-C before the end: "Caught interrupt" and every line still comes out.
 *   npx tsx --conditions=source examples/graceful-shutdown.ts exit     (process.exit(0) from user code:
 *                                                                       the exit hook writes what is buffered)
 */
import { NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { FoundationLive, Log, Telemetry } from "effect-foundation"

// Another layer on top of Foundation: its shutdown line is flushed too.
const AppLive = Layer.scopedDiscard(
  Effect.zipRight(
    Log.info("Application running..."),
    Effect.addFinalizer((exit) =>
      exit._tag === "Failure" ? Log.info("Caught interrupt, shutting down.") : Log.info("Application shutting down.")
    )
  )
)

const main = Effect.gen(function*() {
  for (let i = 1; i <= 30; i++) {
    yield* Log.info("Working", { step: i })
    yield* Effect.sleep("100 millis")
  }
  if (process.argv[2] === "exit") {
    yield* Log.info("Calling process.exit(0) directly")
    return yield* Effect.sync(() => process.exit(0))
  }
  // Optional: shut down early and see what happened.
  const report = yield* Telemetry.shutdown("5 seconds")
  yield* Log.info("Telemetry shut down", { result: report.status, pending: report.pending }) // still written, synchronously
})

main.pipe(Effect.provide(AppLive.pipe(Layer.provide(FoundationLive))), NodeRuntime.runMain)
