/**
 * provide.foundation's "Asynchronous Usage" demo: concurrent workers with named loggers.
 *
 *   npm start                       (emoji console output)
 *   PROVIDE_LOG_OMIT_TIMESTAMP=false npm start   (with timestamps, to see the interleaving)
 *   PROVIDE_LOG_CONSOLE_FORMATTER=json npx tsx --conditions=source examples/workers.ts
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime" // not the barrel: it loads msgpackr, which reads env vars at import (fails under Deno without permissions)
import { Effect, Random } from "effect"
import { FoundationLive, Log } from "effect-foundation"

const worker = (name: string) =>
  Effect.gen(function*() {
    const log = Log.named(`worker.${name}`) // a named logger for clarity
    yield* log.info("Starting work")

    // some async work with a random delay
    const delay = yield* Random.nextRange(0.5, 2.0)
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
