import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import { describe, expect, it } from "vitest"
import { Binding, type LogRecord, rootBinding } from "../../src/core/record.js"
import { withContext, withContextScoped } from "../../src/effect4/internal/context.js"
import { type Direct, DirectPath, logRecord } from "../../src/effect4/internal/log.js"

const capture = () => {
  const records: Array<LogRecord> = []
  const others: Array<{ message: unknown; level: string }> = []
  const direct: Direct = (record) => {
    records.push(record)
    return undefined
  }
  const ours = Object.assign(Logger.make(() => {}), { [DirectPath]: direct })
  const other = Logger.make((o) => {
    others.push({ message: o.message, level: o.logLevel })
  })
  return { records, others, layer: Logger.layer([ours, other]) }
}

describe("logRecord (effect 4)", () => {
  it("hands one record to our logger and the message to the others", async () => {
    const c = capture()
    const binding = new Binding("db", { pool: 1 })
    await Effect.runPromise(
      logRecord("warning", binding, "slow", { ms: 5 }).pipe(
        withContext({ request: "r1", user: "u" }),
        withContext({ "2": "two", request: "r2" }),
        Effect.provide(c.layer)
      )
    )
    expect(c.records.length).toBe(1)
    const r = c.records[0]!
    expect([r.level, r.message, r.binding, r.fields]).toEqual(["warning", "slow", binding, { ms: 5 }])
    expect([r.context.keys, r.context.values]).toEqual([["2", "request", "user"], ["two", "r1", "u"]])
    expect(c.others).toEqual([{ message: ["slow"], level: "Warn" }])
  })

  it("withContextScoped holds for the rest of the scope only", async () => {
    const c = capture()
    await Effect.runPromise(
      Effect.gen(function*() {
        yield* Effect.scoped(Effect.gen(function*() {
          yield* withContextScoped({ job: 7 })
          yield* logRecord("info", rootBinding, "in")
        }))
        yield* logRecord("info", rootBinding, "out")
      }).pipe(Effect.provide(c.layer))
    )
    expect(c.records.map((r) => [r.message, r.context.keys])).toEqual([["in", ["job"]], ["out", []]])
  })
})
