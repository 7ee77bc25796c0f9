/**
 * Seed: "Async Retry with Logging" (`@with_retry(max_attempts=3, delay=1.0,
 * backoff=2.0, log_retries=True)` on `unstable_operation`). Each retry logs a
 * WARN line with the attempt and the wait; the third attempt succeeds. A second
 * call never recovers: after 3 attempts one ERROR line, and the caller gets the
 * original error.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Data, Effect } from "effect"
import { FoundationLive, Log, Retry } from "effect-foundation"

class RequestFailed extends Data.TaggedError("RequestFailed")<{ readonly message: string; readonly status: number }> {}

/** A request that answers 503 `failures` times, then 200. */
const makeRequest = (failures: number) => {
  let calls = 0
  return Effect.suspend(() => {
    calls++
    return Effect.succeed(
      calls <= failures ? { ok: false, status: 503, data: "" } : { ok: true, status: 200, data: "payload" }
    )
  })
}

const unstableOperation = (request: ReturnType<typeof makeRequest>) =>
  Effect.gen(function*() {
    const response = yield* request
    if (!response.ok) {
      return yield* new RequestFailed({ message: `Request failed: ${response.status}`, status: response.status })
    }
    return response.data
  }).pipe(Retry.withRetry({ maxAttempts: 3, delay: "1 second", backoff: 2, logRetries: true }))

const main = Effect.gen(function*() {
  const data = yield* unstableOperation(makeRequest(2))
  yield* Log.info("Request succeeded", { data })
  const error = yield* Effect.flip(unstableOperation(makeRequest(Infinity)))
  yield* Log.info("Caller got the original error", { error_tag: error._tag, status: error.status })
})

main.pipe(Effect.provide(FoundationLive), NodeRuntime.runMain)
