/**
 * The record's shared parts in the Effect-free core, without Effect: a binding and a context keep what they were
 * given as given, the root binding and the empty context carry nothing, and formatters share them by identity.
 */
import { describe, expect, it } from "vitest"
import { defaultFormatOptions, makeFormatter } from "../../src/core/format.js"
import { Binding, Context, emptyContext, type LogRecord, rootBinding } from "../../src/core/record.js"
import { Renderer } from "../../src/core/render.js"

const record = (binding: Binding, context: Context): LogRecord => ({
  level: "info",
  time: 0,
  message: "m",
  binding,
  fields: undefined,
  error: undefined,
  context,
  spans: [],
  cause: undefined,
  traceId: undefined,
  spanId: undefined
})

describe("core/record", () => {
  it("the root binding has no name and no fields; the empty context no keys and no values", () => {
    expect([rootBinding.name, rootBinding.fields]).toEqual([undefined, undefined])
    expect([emptyContext.keys, emptyContext.values]).toEqual([[], []])
  })

  it("a binding keeps its name and the very fields object it was given", () => {
    const fields = { job: 7 }
    const binding = new Binding("worker.alpha", fields)
    expect(binding.name).toBe("worker.alpha")
    expect(binding.fields).toBe(fields)
    expect(new Binding(undefined, { a: 1 }).name).toBe(undefined)
  })

  it("a context keeps its keys and values in the order given, paired by index", () => {
    const context = new Context(["zeta", "alpha", "mid"], ["z", 1, true])
    expect(context.keys.map((k, i) => [k, context.values[i]])).toEqual([["zeta", "z"], ["alpha", 1], ["mid", true]])
  })

  it("bindings are shared by identity: two equal bindings are prepared twice, one binding once", () => {
    const f = makeFormatter(defaultFormatOptions, new Renderer(defaultFormatOptions.redactor))
    const a = new Binding("db", { n: 1 })
    const b = new Binding("db", { n: 1 })
    const lines = [a, a, b, a].map((binding) => f.format(record(binding, emptyContext)))
    expect(lines).toEqual(["[🗄️] m n=1\n", "[🗄️] m n=1\n", "[🗄️] m n=1\n", "[🗄️] m n=1\n"])
    expect(f.preparedCount).toBe(2)
  })
})
