/**
 * The console formatter of the Effect-free core, without Effect, on records built by hand: level markers, colours
 * and timestamps, the service name, an empty message's spacing, message text, keys, the line limit, the DAS emoji
 * and the last resort. (test/core/format.test.ts covers the field order, spans, causes and trace ids.)
 */
import { describe, expect, it } from "vitest"
import { ConsoleFormatter } from "../../src/core/consoleFormat.js"
import { defaultFormatOptions } from "../../src/core/format.js"
import type { FormatOptions } from "../../src/core/formatter.js"
import type { LevelName } from "../../src/core/level.js"
import { Binding, Context, emptyContext, type LogRecord, rootBinding } from "../../src/core/record.js"
import { makeRedactor } from "../../src/core/redact.js"
import { defaultLimits, Renderer } from "../../src/core/render.js"

const make = (over: Partial<FormatOptions> = {}) => {
  const options = { ...defaultFormatOptions, ...over }
  return new ConsoleFormatter(options, new Renderer(options.redactor, options.limits))
}

const T = Date.UTC(2026, 0, 2, 3, 4, 5, 678)

const record = (over: Partial<LogRecord>): LogRecord => ({
  level: "info",
  time: T,
  message: "m",
  binding: rootBinding,
  fields: undefined,
  error: undefined,
  context: emptyContext,
  spans: [],
  cause: undefined,
  traceId: undefined,
  spanId: undefined,
  ...over
})

describe("core/consoleFormat", () => {
  it("each level's marker; INFO has none", () => {
    const f = make()
    const levels: ReadonlyArray<LevelName> = ["trace", "debug", "info", "warning", "error", "critical"]
    expect(levels.map((level) => f.format(record({ level })))).toEqual([
      "👣 TRACE [▶️] m\n",
      "🐞 DEBUG [▶️] m\n",
      "[▶️] m\n",
      "⚠️ WARN [▶️] m\n",
      "🔥 ERROR [▶️] m\n",
      "❌ CRITICAL [▶️] m\n"
    ])
  })

  it("colours the level marker, dims keys and the timestamp; a plain timestamp leads the line", () => {
    const fields = { a: 1 }
    expect(make({ colors: true }).format(record({ level: "error", fields }))).toBe(
      "\x1b[31m🔥 ERROR\x1b[0m [▶️] m \x1b[2ma=\x1b[0m1\n"
    )
    expect(make({ colors: true, timestamps: true }).format(record({ fields }))).toBe(
      "\x1b[2m2026-01-02T03:04:05.678Z\x1b[0m [▶️] m \x1b[2ma=\x1b[0m1\n"
    )
    expect(make({ timestamps: true }).format(record({ level: "debug" }))).toBe(
      "2026-01-02T03:04:05.678Z 🐞 DEBUG [▶️] m\n"
    )
  })

  it("the service name comes first among the fields", () => {
    const line = make({ serviceName: "shop" }).format(record({ fields: { a: 1 }, context: new Context(["c"], [2]) }))
    expect(line).toBe("[▶️] m service_name=shop c=2 a=1\n")
  })

  it("an empty message leaves one space between the head and what follows, and none at the end", () => {
    const trace = "0123456789abcdef0123456789abcdef"
    expect([
      make().format(record({ message: "", fields: { a: 1 } })),
      make().format(record({ message: "" })),
      make({ loggerNameEmoji: false }).format(record({ message: "", fields: { a: 1 } })),
      make({ loggerNameEmoji: false }).format(record({ level: "warning", message: "" })),
      make({ traceIds: true }).format(record({ message: "", traceId: trace }))
    ]).toEqual(["[▶️] a=1\n", "[▶️]\n", "a=1\n", "⚠️ WARN\n", "[▶️] trace=01234567\n"])
  })

  it("the message: masked, escaped to one terminal-safe line; a non-string one as text", () => {
    const f = make()
    expect(f.format(record({ message: "a\u2028b\u001b[31m\tc" }))).toBe("[▶️] a\\u2028b\\u001b[31m\\tc\n")
    expect(f.format(record({ message: "to postgres://app:hunter2@db/x" }))).toBe(
      "[▶️] to postgres://app:[REDACTED]@db/x\n"
    )
    expect([f.format(record({ message: 42 })), f.format(record({ message: { a: "x y" } }))]).toEqual([
      "[▶️] 42\n",
      "[▶️] {\"a\":\"x y\"}\n"
    ])
  })

  it("keys that could forge a field are quoted; removed keys are left out; values quoted when needed", () => {
    const f = make({ redactor: makeRedactor({ removeKeys: ["pin"] }) })
    const line = f.format(record({ fields: { "a b": 1, "x=y": "v w", pin: 1234, n: null, s: "" } }))
    expect(line).toBe("[▶️] m \"a b\"=1 \"x=y\"=\"v w\" n=null s=\"\"\n")
  })

  it("fields over the line limit are left out with a note; the error keeps its name and message", () => {
    const f = make({ limits: { ...defaultLimits, maxLineLength: 20 } })
    expect(f.format(record({ fields: { a: "x".repeat(30) } }))).toBe(
      "[▶️] m truncated=\"record fields of 33 characters over the 20-character limit were left out\"\n"
    )
    const error = new TypeError("bad")
    delete error.stack
    expect(f.format(record({ level: "error", fields: { a: "x".repeat(30) }, error }))).toBe(
      "🔥 ERROR [▶️] m truncated=\"record fields of 56 characters over the 20-character limit were left out\"" +
        " error=\"TypeError: bad\"\n"
    )
  })

  it("DAS emoji merge the context's, the binding's and the call's string values; off, the name emoji stays", () => {
    const parts = {
      context: new Context(["domain"], ["database"]),
      binding: new Binding("worker", { action: "query" }),
      fields: { status: "success" }
    }
    expect(make().format(record(parts))).toBe(
      "[🗄️][🔍][✅] m domain=database action=query status=success\n"
    )
    expect(make({ dasEmoji: false }).format(record(parts))).toBe(
      "[👷] m domain=database action=query status=success\n"
    )
    expect(make().format(record({ binding: new Binding("worker", undefined), fields: { status: 503 } }))).toBe(
      "[👷] m status=503\n"
    )
    expect(make({ loggerNameEmoji: false }).format(record({ fields: { domain: "database" } }))).toBe(
      "[🗄️] m domain=database\n"
    )
  })

  it("the last resort: a message that is not text is replaced, the reason escaped and quoted", () => {
    expect(make().fallback("warning", T, { a: 1 }, "bad\nthing")).toBe(
      "⚠️ WARN [Unrenderable message] error=\"unformattable record: bad\\nthing\"\n"
    )
    expect(make({ colors: true }).fallback("info", T, "ok\n", "r")).toBe(
      "ok\\n \x1b[2merror=\x1b[0m\"unformattable record: r\"\n"
    )
  })
})
