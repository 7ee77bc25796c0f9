/**
 * The console's error and cause rendering in the Effect-free core, without Effect: an error's head, own fields,
 * cause chain and aggregated errors as `key=value` pairs, within the limits; a cause's errors' fields and its text.
 */
import { describe, expect, it } from "vitest"
import { causeParts, errorText } from "../../src/core/consoleError.js"
import { ConsoleFormatter } from "../../src/core/consoleFormat.js"
import { defaultFormatOptions } from "../../src/core/format.js"
import type { FormatOptions } from "../../src/core/formatter.js"
import { makeRedactor } from "../../src/core/redact.js"
import { defaultLimits, Renderer, type RenderLimits } from "../../src/core/render.js"

const consoleFields = (over: Partial<FormatOptions> = {}) => {
  const options = { ...defaultFormatOptions, ...over }
  return new ConsoleFormatter(options, new Renderer(options.redactor, options.limits))
}
const limited = (limits: Partial<RenderLimits>) => consoleFields({ limits: { ...defaultLimits, ...limits } })
const f = consoleFields()

/** An error without a stack (no `stack=` part), with extra own fields. */
const bare = <E extends Error>(error: E, own: object = {}): E => {
  delete error.stack
  return Object.assign(error, own)
}

describe("core/consoleError", () => {
  it("a value that is not an error is rendered as the error's value", () => {
    expect([errorText(f, { code: 1 }), errorText(f, "plain text"), errorText(f, null), errorText(f, 7)]).toEqual([
      " error=\"{\\\"code\\\":1}\"",
      " error=\"plain text\"",
      " error=null",
      " error=7"
    ])
  })

  it("an error: its head, own fields (a _tag equal to its name left out, secrets hidden), then its stack", () => {
    class NotFound extends Error {
      readonly _tag = "NotFound"
      override readonly name = "NotFound"
      readonly id = 7
      readonly password = "p"
    }
    const error = new NotFound("missing")
    error.stack = "NotFound: missing\n    at find (db.ts:1:1)"
    expect(errorText(f, error)).toBe(
      " error=\"NotFound: missing\" error.id=7 error.password=[REDACTED] stack=\"NotFound: missing\\n    at find (db.ts:1:1)\""
    )
    expect(errorText(f, bare(new Error("t"), { _tag: "Other" }))).toBe(" error=\"Error: t\" error._tag=Other")
  })

  it("the cause chain: each cause under its own path, a cause that is not an error as a value", () => {
    const inner = bare(new Error("inner"), { code: "E2", cause: { why: "disk" } })
    const outer = bare(new Error("outer", { cause: inner }))
    expect(errorText(f, outer)).toBe(
      " error=\"Error: outer\" cause=\"Error: inner\" cause.code=E2 cause.cause=\"{\\\"why\\\":\\\"disk\\\"}\""
    )
    expect(errorText(limited({ maxDepth: 2 }), outer)).toBe(
      " error=\"Error: outer\" cause=\"Error: inner\" cause.code=E2"
    )
  })

  it("a cycle in the chain is marked [Circular]", () => {
    const error = bare(new Error("loop"))
    Object.assign(error, { cause: error })
    expect(errorText(f, error)).toBe(" error=\"Error: loop\" cause=[Circular]")
  })

  it("an AggregateError's errors as errors.N, the ones past maxKeys counted", () => {
    const aggregate = bare(new AggregateError([new Error("one"), "two", new RangeError("three")], "many"))
    for (const e of aggregate.errors as Array<unknown>) if (e instanceof Error) delete e.stack
    expect(errorText(f, aggregate)).toBe(
      " error=\"AggregateError: many\" errors.0=\"Error: one\" errors.1=two errors.2=\"RangeError: three\""
    )
    expect(errorText(limited({ maxKeys: 2 }), aggregate)).toBe(
      " error=\"AggregateError: many\" errors.0=\"Error: one\" errors.1=two \"errors.…\"=\"1 more errors\""
    )
  })

  it("own fields: removed keys left out, past maxKeys a more-keys marker, a non-array errors field as a field", () => {
    const removing = consoleFields({ redactor: makeRedactor({ removeKeys: ["pin"] }) })
    expect(errorText(removing, bare(new Error("r"), { pin: 1, k: 2, errors: "not a list" }))).toBe(
      " error=\"Error: r\" error.k=2 error.errors=\"not a list\""
    )
    expect(errorText(limited({ maxKeys: 2 }), bare(new Error("m"), { a: 1, b: 2, c: 3 }))).toBe(
      " error=\"Error: m\" error.a=1 error.b=2 \"error.…\"=\"more keys\""
    )
  })

  it("a cause's parts: its errors' own fields by reason index, fields the record already shows left out", () => {
    const first = bare(new Error("x"), { order_id: 7, shared: "s" })
    const third = bare(new Error("y"), { retry: true })
    const reasons = [
      { kind: "fail" as const, value: first },
      { kind: "die" as const, value: "not an error" },
      { kind: "die" as const, value: third }
    ]
    expect(causeParts(f, reasons, "Error: x\nError: y", { shared: "s" })).toBe(
      " error.order_id=7 error.2.retry=true cause=\"Error: x\\nError: y\""
    )
    expect(causeParts(f, reasons.slice(0, 1), "t", { shared: "other" })).toBe(
      " error.order_id=7 error.shared=s cause=t"
    )
  })

  it("a cause's parts without reasons (the record has its own error): only the text, quoted when it must be", () => {
    expect([causeParts(f, undefined, "Error: x", undefined), causeParts(f, undefined, "", undefined)]).toEqual([
      " cause=\"Error: x\"",
      " cause=\"\""
    ])
  })
})
