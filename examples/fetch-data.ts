/**
 * Seed: "In Async Functions" (fetch_data): logging around an async call,
 * with the failure logged with its stack and re-raised.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Data, Effect } from "effect"
import { FoundationLive, Log } from "effect-foundation"

class FetchError extends Data.TaggedError("FetchError")<{ readonly url: string; readonly reason: string }> {}

const fetchData = (url: string) =>
  Effect.gen(function*() {
    yield* Log.info("Starting fetch", { url })
    yield* Effect.sleep("1 second") // simulate the async operation
    if (url.includes("broken")) return yield* new FetchError({ url, reason: "connection reset" })
    const result = { data: "example" }
    yield* Log.info("Fetch successful", { url, size: JSON.stringify(result).length })
    return result
  }).pipe(
    Effect.tapError((e) => Log.exception("Fetch failed", e, { url, reason: e.reason }))
  )

const main = Effect.gen(function*() {
  yield* fetchData("https://example.com/data")
  yield* fetchData("https://example.com/broken").pipe(Effect.ignore) // logged, then handled by the caller
})

main.pipe(Effect.provide(FoundationLive), NodeRuntime.runMain)
