/**
 * Seed: "Async Context Variables" (handle_request / process_request).
 * Python sets a contextvar; here `Log.withContext` puts `request_id` on every
 * record inside the effect, in every fiber it forks, and nowhere else.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { FoundationLive, Log } from "effect-foundation"

// Logs automatically include request_id from the context: nothing passed in.
const processRequest = Effect.gen(function*() {
  yield* Log.info("Processing")
  yield* Effect.logDebug("plain Effect.log* calls carry it too")
  yield* Effect.sleep("50 millis")
})

const handleRequest = (requestId: string) =>
  Effect.gen(function*() {
    yield* Log.info("Request started")
    yield* processRequest
    yield* Log.info("Request completed")
  }).pipe(Log.withContext({ request_id: requestId }))

const main = Effect.gen(function*() {
  yield* Effect.all([handleRequest("req-1"), handleRequest("req-2")], { concurrency: "unbounded" })
  yield* Log.info("No request context out here")
})

main.pipe(Effect.provide(FoundationLive), NodeRuntime.runMain)
