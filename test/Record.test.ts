/**
 * The Effect 3 binding builds one `LogRecord` per call (src/core/record.ts) and every output takes that object:
 * checked on the direct path (two outputs of `Log.*`) and through Effect's `Logger` (two of our loggers for one
 * `Effect.log*` call).
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Layer, Logger, Tracer } from "effect"
import { Log } from "effect-foundation"
import type { LogRecord } from "../src/core/record.js"
import { Formatter } from "../src/internal/format.js"
import { formatOptions, fromFormatter, install } from "../src/internal/logger.js"
import { type Direct, DirectPath } from "../src/internal/record.js"

/** A logger whose direct path keeps each record it is handed (`traceIds`: it asks for the ids). */
const keeping = (traceIds: boolean) => {
  const records: Array<LogRecord> = []
  const causes: Array<Cause.Cause<unknown>> = []
  const direct: Direct = Object.assign((record: LogRecord, cause: Cause.Cause<unknown>) => {
    records.push(record)
    causes.push(cause)
    return undefined
  }, { traceIds })
  return { records, causes, logger: Object.assign(Logger.make(() => {}), { [DirectPath]: direct }) }
}

const traceId = "0123456789abcdef0123456789abcdef"
const spanId = "0123456789abcdef"

describe("one LogRecord per call", () => {
  it.effect("Log.*: every output gets the same record; one context object per scope, one spans array per List", () =>
    Effect.gen(function*() {
      const a = keeping(false)
      const b = keeping(false)
      const failure = new Error("boom")
      yield* Effect.gen(function*() {
        yield* Log.info("one", { n: 1 })
        yield* Log.exception("two", Cause.fail(failure))
      }).pipe(
        Log.withContext({ zeta: 1, alpha: 2 }),
        Effect.withLogSpan("outer"),
        Effect.provide(Layer.merge(Logger.add(a.logger), Logger.add(b.logger)))
      )
      expect(a.records.length).toBe(2)
      expect(a.records[0]).toBe(b.records[0])
      expect(a.records[1]).toBe(b.records[1])
      const [one, two] = a.records as [LogRecord, LogRecord]
      expect(one.context).toBe(two.context)
      expect([one.context.keys, one.context.values]).toEqual([["zeta", "alpha"], [1, 2]])
      expect(one.spans).toBe(two.spans)
      expect(one.spans.map((s) => s.label)).toEqual(["outer"])
      expect([one.cause, two.cause]).toEqual([undefined, {
        reasons: [{ kind: "fail", value: failure }],
        interrupted: false
      }])
      // the Effect cause travels beside the record (TestLog, other loggers)
      expect([Cause.isEmpty(a.causes[0]!), Cause.failureOption(a.causes[1]!)._tag]).toEqual([true, "Some"])
    }))

  it.effect("trace ids are looked up only when an output writes them", () =>
    Effect.gen(function*() {
      const plain = keeping(false)
      const withIds = keeping(true)
      const inSpan = (logger: Logger.Logger<unknown, void>) =>
        Log.info("in span").pipe(
          Effect.withParentSpan(Tracer.externalSpan({ traceId, spanId, sampled: true })),
          Effect.provide(Logger.add(logger))
        )
      yield* inSpan(plain.logger)
      yield* inSpan(withIds.logger)
      expect([plain.records[0]!.traceId, plain.records[0]!.spanId]).toEqual([undefined, undefined])
      expect([withIds.records[0]!.traceId, withIds.records[0]!.spanId]).toEqual([traceId, spanId])
    }))

  it.effect("Effect.log*: two of our loggers rendering alike share the record of the call", () =>
    Effect.gen(function*() {
      const seen: Array<LogRecord> = []
      const recording = () => {
        const formatter = new (class extends Formatter {
          override format(record: LogRecord): string {
            seen.push(record)
            return super.format(record)
          }
        })(formatOptions({ format: "json" }))
        return fromFormatter(formatter, () => {})
      }
      yield* Effect.log("hello", { k: 1 }).pipe(
        Effect.annotateLogs("request_id", "r-1"),
        Effect.provide(Layer.scopedDiscard(install([recording(), recording()], "info")))
      )
      expect(seen.length).toBe(2)
      expect(seen[0]).toBe(seen[1])
      expect([seen[0]!.message, seen[0]!.fields, seen[0]!.context.keys]).toEqual(["hello", { k: 1 }, ["request_id"]])
    }))
})
