/**
 * The page of test/Browser.test.ts, bundled for the browser (esbuild
 * `--platform=browser`, so the package's `#platform` is the default one: no
 * file descriptors). It logs one record per level through `Foundation.layer`,
 * an `Error` with a secret field and a cause, and a failure `Cause`, then sets
 * `globalThis.done`.
 */
import { Cause, Data, Effect } from "effect"
import { Foundation, Log } from "effect-foundation"

class PaymentFailed extends Data.TaggedError("PaymentFailed")<{ readonly message: string }> {}

const declined = Object.assign(new Error("payment declined", { cause: new TypeError("card expired") }), {
  password: "hunter2",
  orderId: 42
})

const program = Effect.gen(function*() {
  yield* Log.trace("trace line", { n: 1 })
  yield* Log.debug("cache warm", { entries: 3 })
  yield* Log.info("page loaded", { path: "/checkout" })
  yield* Log.warning("slow response", { ms: 1200 })
  yield* Log.error("checkout failed", { step: "pay" })
  yield* Log.critical("out of memory")
  yield* Log.exception("payment error", declined, { user: "ada" })
  yield* Effect.logError("effect failure", Cause.fail(new PaymentFailed({ message: "insufficient funds" })))
  yield* Effect.logWarning("plain effect warning")
})

// ?format=json: the JSON format asked for (the default in a browser is the console format)
const format =
  new URLSearchParams((globalThis as { location?: { search: string } }).location?.search).get("format") === "json"
    ? "json"
    : undefined

Effect.runPromise(program.pipe(Effect.provide(Foundation.layer({ level: "trace", ...(format ? { format } : {}) }))))
  .then(
    () => Object.assign(globalThis, { done: "ok" }),
    (e) => Object.assign(globalThis, { done: "failed: " + String(e) })
  )
