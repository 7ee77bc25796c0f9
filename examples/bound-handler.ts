/**
 * Seed: "Structured Context" (api_handler): a bound logger passed down the
 * call chain, and best practice 1, "Use Bound Loggers".
 */
import { NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { FoundationLive, Log } from "effect-foundation"

const fetchUserData = (log: Log.BoundLogger, userId: string) =>
  Effect.gen(function*() {
    yield* log.info("Fetching user data")
    return [{ user: userId, item: 1 }, { user: userId, item: 2 }]
  })

const processData = (log: Log.BoundLogger, data: ReadonlyArray<unknown>) =>
  Effect.gen(function*() {
    yield* log.debug("Processing data", { rows: data.length })
    return data.slice(0, 1)
  })

const apiHandler = (userId: string, sessionId: string) =>
  Effect.gen(function*() {
    // a bound logger: prepared once, carries its fields on every line
    const log = Log.bind({ user_id: userId, session_id: sessionId, handler: "api" })
    yield* log.info("Handler started")
    const result = yield* fetchUserData(log, userId)
    const processed = yield* processData(log, result)
    yield* log.info("Handler completed", { result_size: processed.length })
    return processed
  })

// Best practice 1: one bound logger per request
const handleUserRequest = (userId: string, requestId: string) =>
  Effect.gen(function*() {
    const log = Log.bind({ user_id: userId, request_id: requestId })
    yield* log.info("Processing request")
  })

Effect.all([apiHandler("u-42", "s-9"), handleUserRequest("u-7", "r-1")]).pipe(
  Effect.provide(FoundationLive),
  NodeRuntime.runMain
)
