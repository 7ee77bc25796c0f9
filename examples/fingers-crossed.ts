/**
 * Debug lines that appear only when something fails (`Log.fingersCrossed`).
 *
 * Five concurrent jobs log at DEBUG while they work; the level is INFO, so
 * those lines are normally dropped. Inside `Log.fingersCrossed` they are kept
 * instead, one buffer per job: job 3 logs an ERROR and job 4 fails with a
 * defect, so their debug lines are written (first, with their original
 * timestamps), and nobody else's. The jobs that succeed write only their
 * INFO lines.
 *
 *   npx tsx --conditions=source examples/fingers-crossed.ts
 *   PROVIDE_LOG_CONSOLE_FORMATTER=json npx tsx --conditions=source examples/fingers-crossed.ts
 */
import { NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { Foundation, Log } from "effect-foundation"

const log = Log.named("worker")

const job = (id: number) =>
  Effect.gen(function*() {
    yield* log.debug("Loading input", { step: "load" })
    yield* Effect.sleep(`${10 * id} millis`)
    yield* log.debug("Input loaded", { rows: 100 * id })
    if (id === 3) {
      yield* log.debug("Calling the payment service", { attempt: 1 })
      yield* log.error("Payment service refused the charge", { status: 402 }) // the trigger
      yield* log.debug("After the trigger: written at once")
      return
    }
    if (id === 4) {
      yield* log.debug("Parsing row 17")
      yield* Effect.die(new TypeError("row 17: expected a number")) // a defect releases the buffer too
    }
    yield* log.info("Job done", { rows: 100 * id })
  }).pipe(
    Log.fingersCrossed({ maxRecords: 100 }), // one buffer per job (and per fiber it forks)
    Log.withContext({ job_id: id }),
    Effect.catchAllDefect((defect) => Log.exception("Job crashed", defect, { job_id: id }))
  )

const main = Effect.gen(function*() {
  yield* Log.info("Starting 5 jobs; debug lines appear only for the ones that fail")
  yield* Effect.all([1, 2, 3, 4, 5].map(job), { concurrency: "unbounded" })
  yield* Log.debug("Outside any scope: dropped as usual")
  yield* Log.info("All jobs finished")
})

main.pipe(
  Effect.provide(Foundation.layer({ level: "info", timestamps: true })),
  NodeRuntime.runMain
)
