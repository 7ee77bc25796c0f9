/**
 * provide.foundation's "Asynchronous Usage" demo on Effect 4: concurrent workers with named loggers. The same
 * program as examples/workers.ts, importing `effect-foundation/effect4`; the same lines.
 *
 *   npx tsx --conditions=source examples/effect4/workers.ts
 *   PROVIDE_LOG_CONSOLE_FORMATTER=json npx tsx --conditions=source examples/effect4/workers.ts
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect, Random } from "effect"
import { FoundationLive, Log } from "effect-foundation/effect4"

const worker = (name: string) =>
  Effect.gen(function*() {
    const log = Log.named(`worker.${name}`) // a named logger for clarity
    yield* log.info("Starting work")

    // some async work with a random delay
    const delay = yield* Random.nextBetween(0.5, 2.0)
    yield* Effect.sleep(`${delay} seconds`)

    // completion with structured context
    yield* log.info("Work complete", { duration_ms: Math.floor(delay * 1000), status: "success" })
  })

const main = Effect.gen(function*() {
  yield* Log.info("Main application starting, dispatching workers...")
  yield* Effect.all([worker("alpha"), worker("bravo"), worker("charlie")], { concurrency: "unbounded" })
  yield* Log.info("All workers have finished.")
})

main.pipe(Effect.provide(FoundationLive), NodeRuntime.runMain)
