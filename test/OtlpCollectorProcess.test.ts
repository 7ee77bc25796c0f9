/**
 * The OTLP exporter's shutdown and exit against the collector stand-in (test/collector.ts): tests that wait out a
 * real deadline or run a child process (numbered-line harness), in the `process` project; the rest of the
 * exporter's tests are in OtlpCollector.test.ts.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Log, Telemetry, TestLog } from "effect-foundation"
import { accepted, at, attrs, collector, records } from "./collector.js"
import { runChild } from "./harness/run.js"

describe("nothing written where it does not belong, no torn line, no frozen loop (OTLP)", () => {
  it.live("shutdown keeps retrying within its deadline: a collector that answers 503 eight times, then 200, gets all 2,000 records", () =>
    Effect.gen(function*() {
      // 8 refusals: more than the policy's 3 attempts and the breaker's 5 failures
      const rx = yield* collector((n) => ({ status: n < 8 ? 503 : 200 }))
      const report = yield* Effect.gen(function*() {
        for (let i = 0; i < 2_000; i++) yield* Log.info("line", { i })
        return yield* Telemetry.shutdown("60 seconds")
      }).pipe(
        Effect.provide(Telemetry.otlp({ ...at(rx), retry: { maxAttempts: 3, delay: "5 millis", jitter: "none" } }))
      )
      const delivered = new Set(accepted(rx).map((r) => attrs(r).i?.intValue)).size
      const refused = rx.requests.filter((r) => r.status === 503).length
      const counts =
        `delivered ${delivered}, written ${report.written}, failed ${report.failed}, pending ${report.pending}, refused requests ${refused}`
      expect(refused, counts).toBe(8)
      expect(delivered, counts).toBe(2_000)
      expect(report, counts).toMatchObject({ status: "flushed", failed: 0, pending: 0, dropped: 0 })
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.live("a collector that never comes back: shutdown retries until the deadline, then gives up and counts every record", () =>
    Effect.gen(function*() {
      const rx = yield* collector(() => ({ status: 503 }))
      const report = yield* Effect.gen(function*() {
        for (let i = 0; i < 20; i++) yield* Log.info("line", { i })
        return yield* Telemetry.shutdown("3 seconds")
      }).pipe(
        Effect.provide(Telemetry.otlp({ ...at(rx), retry: { maxAttempts: 2, delay: "10 millis", jitter: "none" } }))
      )
      const counts = `requests ${rx.requests.length}, written ${report.written}, failed ${report.failed}`
      // more than the policy's 2 attempts: the deadline, not the attempt count, ends the retries
      expect(rx.requests.length, counts).toBeGreaterThan(2)
      expect(report.written + report.failed, counts).toBe(20)
      expect(report.written, counts).toBe(0)
      expect(report.pending, counts).toBe(0)
      // records were given up after failed attempts, whether or not the deadline cut a retry
      expect(report.status, counts).toBe("failed")
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.live("process.exit with records still queued: collector-received + reported-dropped = N (numbered-line harness)", () =>
    Effect.gen(function*() {
      // the first request is answered, the next ones never are: the exporter surely holds records at the exit
      const never = new Promise<void>(() => {})
      const rx = yield* collector((k) => (k === 0 ? { status: 200 } : { status: 200, hold: never }))
      const n = 2_000
      const run = yield* Effect.promise(() =>
        runChild({
          // yielding to the event loop every 100 lines, so the exporter sends some batches before the exit
          child: { count: n, yield: { every: 100, by: "sleep" }, exit: "process.exit", otlp: true },
          target: "file",
          env: { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${rx.url}/v1/logs` },
          hardKillMs: 20_000
        })
      )
      // every body that reached the collector, answered or not
      const received = new Set(rx.requests.flatMap(records).map((r) => Number(attrs(r).i?.intValue))).size
      const num = (re: RegExp) => Number(re.exec(run.stderr)?.[1] ?? 0)
      const dropped = num(/effect-foundation: OTLP export .*?(\d+) records dropped/)
      const inflight = num(/(\d+) more in flight, delivery unknown/)
      const lost = n - received - dropped - inflight
      const counts =
        `logged ${n}, received ${received}, reported dropped ${dropped}, in flight ${inflight}, lost ${lost}, exit code ${run.code} | stderr: ${run.stderr}`
      expect(run.code, counts).toBe(0)
      expect(run.stderr, counts).toContain("sink-child: trigger")
      // nothing lost silently; nothing reported dropped that the collector has
      expect(lost, counts).toBeLessThanOrEqual(0)
      expect(received + dropped, counts).toBeLessThanOrEqual(n)
      // at most two batches of 512 left the queue (one answered, one held): the rest was still queued at the exit
      expect(dropped, counts).toBeGreaterThanOrEqual(n - 2 * 512)
    }).pipe(Effect.scoped))
})
