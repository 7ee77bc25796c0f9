/**
 * Seed: "Async Exception Logging" (`@with_error_handling(fallback=None, log_errors=True)`
 * on `risky_operation`). The failure is logged once, with its fields and
 * stack, and the operation succeeds with the fallback: its error type is `never`.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { ErrorHandling, FoundationLive, Log } from "effect-foundation"

const externalApiCall = (healthy: boolean) =>
  Effect.gen(function*() {
    yield* Effect.sleep("200 millis") // simulate the network round trip
    if (!healthy) {
      return yield* new ErrorHandling.IntegrationError({
        message: "upstream returned 503",
        service: "billing",
        endpoint: "/v1/invoices",
        status: 503
      })
    }
    return { invoices: 3 }
  })

const riskyOperation = (healthy: boolean) =>
  Effect.gen(function*() {
    yield* Log.info("Starting risky operation")
    // If this fails, the error is logged automatically
    const result = yield* externalApiCall(healthy)
    yield* Log.info("Operation succeeded")
    return result
  }).pipe(
    ErrorHandling.withErrorHandling({
      fallback: () => null,
      logErrors: true,
      context: { operation: "risky_operation" }
    })
  )

const main = Effect.gen(function*() {
  const ok = yield* riskyOperation(true)
  const fallback = yield* riskyOperation(false) // Effect<{ invoices: number } | null, never>
  yield* Log.info("Results", { ok: JSON.stringify(ok), fallback: String(fallback) })
})

main.pipe(Effect.provide(FoundationLive), NodeRuntime.runMain)
