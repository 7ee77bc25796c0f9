/**
 * Fingers-crossed scopes (`Log.fingersCrossed`): what a record costs inside
 * one, through Foundation.layer (JSON, level INFO, batched sink, each subject
 * to its own temp file).
 *
 * - Per record: `Log.info` outside any scope (one line: the baseline) vs
 *   `Log.debug` inside a scope (kept in the ring buffer; the scope wraps each
 *   timed run and ends without a trigger, so nothing is written). Target: a
 *   kept debug record costs <= 3x an info line. For information, `Log.debug`
 *   outside any scope (dropped), with no scope open in the process and with
 *   one open in another fiber.
 * - Per request (for information): a request of 10 `Log.debug` + 1 record,
 *   with and without a scope of its own: succeeding (1 INFO line) and
 *   failing (1 ERROR line, which releases the 10 debug lines in the scope).
 *
 * Line counts are verified from each sink's counters after a final flush.
 */
import { Effect, Fiber } from "effect"
import { Log } from "effect-foundation"
import { compare, type Row, type Scenario, tempFile } from "../harness.js"
import { fields3, MESSAGE, ours, verify } from "../subjects.js"

const OPS = 20_000
const REQUESTS = 2_000
const ROUNDS = 11
const scenario = "fingers-crossed"

const inScope = (run: Effect.Effect<void>) => Log.fingersCrossed(run)
/** A scope open in another fiber for the duration of the run (interruptible: a fiber forked while acquiring would not be). */
const scopeElsewhere = (run: Effect.Effect<void>) =>
  Effect.acquireUseRelease(
    Effect.forkDaemon(Effect.interruptible(Log.fingersCrossed(Effect.never))),
    () => run,
    (fiber) => Fiber.interrupt(fiber)
  )

const request = (last: (i: number) => Effect.Effect<void>) => (i: number) =>
  Effect.suspend(() => {
    let k = 0
    return Effect.zipRight(
      Effect.whileLoop({
        while: () => k < 10,
        body: () => Log.debug("step", { request: i, step: k++ }),
        step: () => {}
      }),
      last(i)
    )
  })
const succeeding = request((i) => Log.info("request handled", { request: i, status: 200 }))
const failing = request((i) => Log.error("request failed", { request: i, status: 500 }))

export default {
  name: scenario,
  notes: [
    "Fingers-crossed: ns per record (or per request), median of 11 interleaved rounds; ratio = ours / the baseline (< 1: cheaper). " +
    "A kept record is allocated and stored (the Clock, annotations, log spans, the span, the loggers), not formatted: it is formatted only if released."
  ],
  run: async (): Promise<ReadonlyArray<Row>> => {
    const opts = (label: string) => ({ format: "json" as const, file: tempFile("fc-" + label) })
    const info = ours("Log.info outside any scope (1 line)", {
      ...opts("info"),
      op: () => (i) => Log.info(MESSAGE, fields3(i))
    })
    const kept = ours("Log.debug inside a scope (kept)", {
      ...opts("kept"),
      op: () => (i) => Log.debug(MESSAGE, fields3(i)),
      wrap: inScope,
      linesPerOp: 0
    })
    const dropped = ours("Log.debug outside any scope (dropped)", {
      ...opts("dropped"),
      op: () => (i) => Log.debug(MESSAGE, fields3(i)),
      linesPerOp: 0
    })
    const elsewhere = ours("Log.debug outside, a scope open in another fiber", {
      ...opts("elsewhere"),
      op: () => (i) => Log.debug(MESSAGE, fields3(i)),
      wrap: scopeElsewhere,
      linesPerOp: 0
    })
    const perRecord = [info, kept, dropped, elsewhere]
    const [mInfo, mKept, mDropped, mElsewhere] = await compare(perRecord, { ops: OPS, rounds: ROUNDS })
    const recordNote = await verify(perRecord)
    for (const s of perRecord) await s.close()

    const ok = ours("request, no scope: 10 debug + info (1 line)", { ...opts("ok"), op: () => succeeding })
    const okScoped = ours("request in a scope: 10 debug + info (1 line)", {
      ...opts("ok-scoped"),
      op: () => (i) => Log.fingersCrossed(succeeding(i))
    })
    const bad = ours("request, no scope: 10 debug + error (1 line)", { ...opts("bad"), op: () => failing })
    const badScoped = ours("request in a scope: 10 debug + error (11 lines)", {
      ...opts("bad-scoped"),
      op: () => (i) => Log.fingersCrossed(failing(i)),
      linesPerOp: 11
    })
    const perRequest = [ok, okScoped, bad, badScoped]
    const [mOk, mOkScoped, mBad, mBadScoped] = await compare(perRequest, { ops: REQUESTS, rounds: ROUNDS })
    const requestNote = await verify(perRequest)
    for (const s of perRequest) await s.close()

    const ratio = mKept!.nsPerOp / mInfo!.nsPerOp
    return [
      { scenario, subject: info.name, value: mInfo!.nsPerOp, unit: "ns/record", note: recordNote },
      {
        scenario,
        subject: kept.name,
        value: mKept!.nsPerOp,
        unit: "ns/record",
        baseline: info.name,
        ratio,
        target: "debug record inside a scope <= 3x an info record",
        pass: ratio <= 3
      },
      {
        scenario,
        subject: dropped.name,
        value: mDropped!.nsPerOp,
        unit: "ns/record",
        baseline: info.name,
        ratio: mDropped!.nsPerOp / mInfo!.nsPerOp
      },
      {
        scenario,
        subject: elsewhere.name,
        value: mElsewhere!.nsPerOp,
        unit: "ns/record",
        baseline: dropped.name,
        ratio: mElsewhere!.nsPerOp / mDropped!.nsPerOp
      },
      { scenario, subject: ok.name, value: mOk!.nsPerOp, unit: "ns/request", note: requestNote },
      {
        scenario,
        subject: okScoped.name,
        value: mOkScoped!.nsPerOp,
        unit: "ns/request",
        baseline: ok.name,
        ratio: mOkScoped!.nsPerOp / mOk!.nsPerOp
      },
      { scenario, subject: bad.name, value: mBad!.nsPerOp, unit: "ns/request" },
      {
        scenario,
        subject: badScoped.name,
        value: mBadScoped!.nsPerOp,
        unit: "ns/request",
        baseline: bad.name,
        ratio: mBadScoped!.nsPerOp / mBad!.nsPerOp
      }
    ]
  }
} satisfies Scenario
