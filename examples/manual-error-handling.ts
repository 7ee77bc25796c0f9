/**
 * Seed: "Or manual exception logging" (`manual_error_handling`): catch the
 * failure, log it with its stack (`logger.exception`) or without
 * (`logger.error(..., exc_info=False)`), and re-raise it.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { ErrorHandling, FoundationLive, Log } from "effect-foundation"

const riskyOperation = Effect.gen(function*() {
  yield* Log.info("Starting risky operation")
  yield* Effect.sleep("100 millis")
  return yield* new ErrorHandling.TimeoutError({ message: "external API did not answer", timeout_ms: 100 })
})

const manualErrorHandling = riskyOperation.pipe(
  Effect.tapError((e) =>
    Effect.all([
      // Log with full traceback
      Log.exception("Operation failed", e, { error_type: e._tag }),
      // Or without traceback
      Log.error("Operation failed", { error: e.message })
    ])
  )
  // the error is still in the error channel: "raise"
)

// The same in one combinator: log once, with the error's fields, and let it through.
const withCombinator = riskyOperation.pipe(ErrorHandling.logErrors({ message: "Operation failed" }))

const main = Effect.gen(function*() {
  const first = yield* Effect.either(manualErrorHandling)
  const second = yield* Effect.either(withCombinator)
  yield* Log.info("Caller saw the errors", {
    first: first._tag === "Left" ? first.left._tag : "ok",
    second: second._tag === "Left" ? second.left._tag : "ok"
  })
})

main.pipe(Effect.provide(FoundationLive), NodeRuntime.runMain)
