import { Effect } from "effect"
import { describe, expect } from "vitest"
import * as EmojiLogger from "../../src/effect4/EmojiLogger.js"
import { formatOptions, Formatter } from "../../src/effect4/internal/format.js"
import { fromFormatter } from "../../src/effect4/internal/logger.js"
import * as Log from "../../src/effect4/Log.js"
import * as TestLog from "../../src/effect4/TestLog.js"
import { it } from "./utils.js"

/**
 * Hostile input through the real formatter, in both formats: console lines
 * from `TestLog.lines`, JSON lines from `EmojiLogger.layer({ format: "json" })`.
 * Time is the TestClock's (0), so JSON timestamps are the epoch.
 */
const render = (program: Effect.Effect<unknown>) =>
  Effect.gen(function*() {
    const consoleLines = yield* Effect.andThen(program, TestLog.lines).pipe(Effect.provide(TestLog.layer()))
    const json: Array<string> = []
    yield* Effect.provide(program, EmojiLogger.layer({ format: "json" }, (l) => json.push(l)))
    for (const l of json) expect(l.indexOf("\n")).toBe(l.length - 1) // exactly one line, one trailing newline
    return { console: consoleLines, json: json.map((l) => l.slice(0, -1)) }
  })

// Nothing a terminal or a line reader would act on: C0/C1 controls, DEL, line/paragraph separators, and every
// bidirectional control (Unicode Bidi_Control: ALM, LRM, RLM, embeddings, overrides, isolates).
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

const safe = (lines: ReadonlyArray<string>) => {
  for (const l of lines) expect(UNSAFE.test(l), JSON.stringify(l)).toBe(false)
}

const T = "{\"timestamp\":\"1970-01-01T00:00:00.000Z\",\"level\":\"info\""
const P = "[▶️] "

/** [name, message, fields, console line, JSON line] */
type Case = readonly [string, string, Record<string, unknown> | undefined, string, string]

const cases: ReadonlyArray<Case> = [
  // messages
  [
    "message: newline forging a second record",
    "ok\n[▶️] forged admin=true",
    undefined,
    P + "ok\\n[▶️] forged admin=true",
    T + ",\"message\":\"ok\\n[▶️] forged admin=true\"}"
  ],
  ["message: CR LF", "a\r\nb", undefined, P + "a\\r\\nb", T + ",\"message\":\"a\\r\\nb\"}"],
  [
    "message: ANSI colour escapes",
    "\u001b[31mred\u001b[0m",
    undefined,
    P + "\\u001b[31mred\\u001b[0m",
    T + ",\"message\":\"\\u001b[31mred\\u001b[0m\"}"
  ],
  [
    "message: ANSI clear screen + cursor home",
    "\u001b[2J\u001b[H",
    undefined,
    P + "\\u001b[2J\\u001b[H",
    T + ",\"message\":\"\\u001b[2J\\u001b[H\"}"
  ],
  [
    "message: OSC 8 hyperlink / title set",
    "\u001b]0;pwned\u0007",
    undefined,
    P + "\\u001b]0;pwned\\u0007",
    T + ",\"message\":\"\\u001b]0;pwned\\u0007\"}"
  ],
  ["message: one-byte C1 CSI", "\u009b2J", undefined, P + "\\u009b2J", T + ",\"message\":\"\\u009b2J\"}"],
  [
    "message: U+2028 / U+2029",
    "a\u2028b\u2029c",
    undefined,
    P + "a\\u2028b\\u2029c",
    T + ",\"message\":\"a\\u2028b\\u2029c\"}"
  ],
  [
    "message: bidi override",
    "invoice\u202Efdp.exe",
    undefined,
    P + "invoice\\u202efdp.exe",
    T + ",\"message\":\"invoice\\u202efdp.exe\"}"
  ],
  [
    "message: bidi marks LRM, RLM, ALM",
    "a\u200Eb\u200Fc\u061Cd",
    undefined,
    P + "a\\u200eb\\u200fc\\u061cd",
    T + ",\"message\":\"a\\u200eb\\u200fc\\u061cd\"}"
  ],
  [
    "message: NUL, backspace, DEL",
    "a\u0000b\u0008c\u007f",
    undefined,
    P + "a\\u0000b\\u0008c\\u007f",
    T + ",\"message\":\"a\\u0000b\\bc\\u007f\"}"
  ],
  ["message: tab", "a\tb", undefined, P + "a\\tb", T + ",\"message\":\"a\\tb\"}"],
  [
    "message: JSON breaker",
    "\"}\n{\"level\":\"critical\",\"message\":\"x",
    undefined,
    P + "\"}\\n{\"level\":\"critical\",\"message\":\"x",
    T + ",\"message\":\"\\\"}\\n{\\\"level\\\":\\\"critical\\\",\\\"message\\\":\\\"x\"}"
  ],
  // values
  ["value: newline", "m", { x: "l1\nl2" }, P + "m x=\"l1\\nl2\"", T + ",\"message\":\"m\",\"x\":\"l1\\nl2\"}"],
  [
    "value: forging a field",
    "m",
    { user: "bob admin=true" },
    P + "m user=\"bob admin=true\"",
    T + ",\"message\":\"m\",\"user\":\"bob admin=true\"}"
  ],
  [
    "value: forging a field without spaces",
    "m",
    { user: "bob\u000badmin=true" },
    P + "m user=\"bob\\u000badmin=true\"",
    T + ",\"message\":\"m\",\"user\":\"bob\\u000badmin=true\"}"
  ],
  [
    "value: quotes and backslashes",
    "m",
    { q: "a\"b\\c" },
    P + "m q=\"a\\\"b\\\\c\"",
    T + ",\"message\":\"m\",\"q\":\"a\\\"b\\\\c\"}"
  ],
  ["value: empty string", "m", { e: "" }, P + "m e=\"\"", T + ",\"message\":\"m\",\"e\":\"\"}"],
  [
    "value: ANSI",
    "m",
    { c: "\u001b[1mbold" },
    P + "m c=\"\\u001b[1mbold\"",
    T + ",\"message\":\"m\",\"c\":\"\\u001b[1mbold\"}"
  ],
  [
    "value: JSON breaker",
    "m",
    { y: "\"}\n{\"level\":\"critical\"" },
    P + "m y=\"\\\"}\\n{\\\"level\\\":\\\"critical\\\"\"",
    T + ",\"message\":\"m\",\"y\":\"\\\"}\\n{\\\"level\\\":\\\"critical\\\"\"}"
  ],
  [
    "value: nested newline and ANSI",
    "m",
    { o: { s: "a\n\u001b[1m" } },
    P + "m o=\"{\\\"s\\\":\\\"a\\\\n\\\\u001b[1m\\\"}\"",
    T + ",\"message\":\"m\",\"o\":{\"s\":\"a\\n\\u001b[1m\"}}"
  ],
  [
    "value: array of hostile strings",
    "m",
    { a: ["x\ny", "\u2028"] },
    P + "m a=\"[\\\"x\\\\ny\\\",\\\"\\u2028\\\"]\"",
    T + ",\"message\":\"m\",\"a\":[\"x\\ny\",\"\\u2028\"]}"
  ],
  [
    "value: bidi override",
    "m",
    { f: "a\u2066b" },
    P + "m f=\"a\\u2066b\"",
    T + ",\"message\":\"m\",\"f\":\"a\\u2066b\"}"
  ],
  [
    "value: bidi marks (RLM before a number, nested ALM)",
    "m",
    { f: "\u200F42", o: { g: "\u061C" } },
    P + "m f=\"\\u200f42\" o=\"{\\\"g\\\":\\\"\\u061c\\\"}\"",
    T + ",\"message\":\"m\",\"f\":\"\\u200f42\",\"o\":{\"g\":\"\\u061c\"}}"
  ],
  ["key: bidi mark", "m", { "a\u200Eb": 1 }, P + "m \"a\\u200eb\"=1", T + ",\"message\":\"m\",\"a\\u200eb\":1}"],
  // keys
  ["key: with =", "m", { "a=b": "c" }, P + "m \"a=b\"=c", T + ",\"message\":\"m\",\"a=b\":\"c\"}"],
  ["key: with a space", "m", { "a b": 1 }, P + "m \"a b\"=1", T + ",\"message\":\"m\",\"a b\":1}"],
  ["key: with a quote", "m", { "a\"b": 1 }, P + "m \"a\\\"b\"=1", T + ",\"message\":\"m\",\"a\\\"b\":1}"],
  ["key: with a newline", "m", { "a\nb": 1 }, P + "m \"a\\nb\"=1", T + ",\"message\":\"m\",\"a\\nb\":1}"],
  ["key: ANSI", "m", { "\u001b[2J": 1 }, P + "m \"\\u001b[2J\"=1", T + ",\"message\":\"m\",\"\\u001b[2J\":1}"],
  ["key: empty", "m", { "": 1 }, P + "m \"\"=1", T + ",\"message\":\"m\",\"\":1}"],
  [
    "key: forging two fields",
    "m",
    { "x=1 admin": "true" },
    P + "m \"x=1 admin\"=true",
    T + ",\"message\":\"m\",\"x=1 admin\":\"true\"}"
  ],
  [
    "key: console-reserved names stay fields",
    "m",
    { level: "critical", message: "forged" },
    P + "m level=critical message=forged",
    T + ",\"message\":\"m\",\"fields.level\":\"critical\",\"fields.message\":\"forged\"}"
  ],
  // prototype pollution
  [
    "prototype keys: __proto__ and constructor as own fields",
    "m",
    JSON.parse("{\"__proto__\":{\"isAdmin\":true},\"constructor\":{\"prototype\":{\"polluted\":1}},\"ok\":1}"),
    P + "m __proto__=\"{\\\"isAdmin\\\":true}\" constructor=\"{\\\"prototype\\\":{\\\"polluted\\\":1}}\" ok=1",
    T + ",\"message\":\"m\",\"__proto__\":{\"isAdmin\":true},\"constructor\":{\"prototype\":{\"polluted\":1}},\"ok\":1}"
  ],
  [
    "prototype keys: nested __proto__",
    "m",
    { a: JSON.parse("{\"__proto__\":{\"x\":1},\"y\":2}") },
    P + "m a=\"{\\\"__proto__\\\":{\\\"x\\\":1},\\\"y\\\":2}\"",
    T + ",\"message\":\"m\",\"a\":{\"__proto__\":{\"x\":1},\"y\":2}}"
  ],
  [
    "prototype keys: Object.prototype method names",
    "m",
    { toString: "x", hasOwnProperty: "y", valueOf: 1 },
    P + "m toString=x hasOwnProperty=y valueOf=1",
    T + ",\"message\":\"m\",\"toString\":\"x\",\"hasOwnProperty\":\"y\",\"valueOf\":1}"
  ]
]

const nested = (depth: number): Record<string, unknown> => {
  const root: Record<string, unknown> = {}
  let cur = root
  for (let i = 0; i < depth; i++) {
    const next: Record<string, unknown> = {}
    cur.d = next
    cur = next
  }
  return root
}

describe("Hostile input: one record is one safe line, in both formats", () => {
  for (const [name, message, fields, consoleLine, jsonLine] of cases) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const out = yield* render(Log.info(message, fields))
        expect(out.console).toEqual([consoleLine])
        expect(out.json).toEqual([jsonLine])
        safe(out.console)
        safe(out.json)
        const parsed = JSON.parse(out.json[0]!) as Record<string, unknown>
        expect(parsed.timestamp).toBe("1970-01-01T00:00:00.000Z")
      }))
  }

  it.effect("hostile context (withContext), bound fields and plain Effect.log parts", () =>
    Effect.gen(function*() {
      const out = yield* render(Effect.gen(function*() {
        yield* Log.info("ctx").pipe(Log.withContext({ ctx: "x\ny", "k v": "\u001b[0m" }))
        yield* Log.bind({ "k=v": "a b" }).info("bound")
        yield* Effect.log("a\nb", "c\u001b")
      }))
      expect(out.console).toEqual([
        P + "ctx ctx=\"x\\ny\" \"k v\"=\"\\u001b[0m\"",
        P + "bound \"k=v\"=\"a b\"",
        P + "a\\nb c\\u001b"
      ])
      expect(out.json).toEqual([
        T + ",\"message\":\"ctx\",\"ctx\":\"x\\ny\",\"k v\":\"\\u001b[0m\"}",
        T + ",\"message\":\"bound\",\"k=v\":\"a b\"}",
        T + ",\"message\":\"a\\nb c\\u001b\"}"
      ])
    }))

  it.effect("errors: message and stack with newlines and escapes stay on one line", () =>
    Effect.gen(function*() {
      const err = new Error("bad\n\u001b[31mthing")
      err.stack = "Error: bad\n    at f (x.ts:1:1)"
      const out = yield* render(Log.exception("boom", err))
      expect(out.console).toEqual([
        "🔥 ERROR [▶️] boom error=\"Error: bad\\n\\u001b[31mthing\" stack=\"Error: bad\\n    at f (x.ts:1:1)\""
      ])
      expect(out.json).toEqual([
        "{\"timestamp\":\"1970-01-01T00:00:00.000Z\",\"level\":\"error\",\"message\":\"boom\"," +
        "\"error\":{\"name\":\"Error\",\"message\":\"bad\\n\\u001b[31mthing\",\"stack\":\"Error: bad\\n    at f (x.ts:1:1)\"}}"
      ])
      safe(out.console)
    }))

  it.effect("a hostile logger name never reaches the console line (only its emoji) and is escaped in JSON", () =>
    Effect.gen(function*() {
      const out = yield* render(Log.named("svc\n\u001b[31m").info("m"))
      expect(out.console).toHaveLength(1)
      expect(out.console[0]!.endsWith("] m")).toBe(true)
      expect(out.console[0]!.includes("svc")).toBe(false)
      safe(out.console)
      safe(out.json)
    }))

  it.effect("prototype-pollution keys in fields, context and bindings change nothing", () =>
    Effect.gen(function*() {
      const evil = () =>
        JSON.parse("{\"__proto__\":{\"isAdmin\":true},\"constructor\":{\"prototype\":{\"polluted\":1}}}") as Record<
          string,
          unknown
        >
      const out = yield* render(Effect.gen(function*() {
        yield* Log.info("call", evil())
        yield* Log.info("ctx").pipe(Log.withContext(evil()))
        yield* Log.bind(evil()).info("bound", { ok: 1 })
        yield* Log.info("scoped").pipe(Effect.tap(() => Log.withContextScoped(evil())), Effect.scoped)
      }))
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      expect(Object.prototype.hasOwnProperty.call(Object.prototype, "isAdmin")).toBe(false)
      expect(out.console).toHaveLength(4)
      for (const l of out.json) {
        const parsed = JSON.parse(l) as Record<string, unknown>
        expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype)
        expect(parsed.isAdmin).toBeUndefined()
      }
      expect(JSON.parse(out.json[2]!)).toMatchObject({ message: "bound", ok: 1 })
      const records = yield* Effect.andThen(Log.info("r", evil()), TestLog.records).pipe(
        Effect.provide(TestLog.layer())
      )
      expect(Object.getPrototypeOf(records[0]!.fields)).toBe(Object.prototype)
      expect(Object.keys(records[0]!.fields).sort()).toEqual(["__proto__", "constructor"])
    }))
})

describe("Hostile input: size limits (the renderer cuts with markers)", () => {
  it.effect("deep nesting is cut at depth 10 with \"[Max depth]\"", () =>
    Effect.gen(function*() {
      const out = yield* render(Log.info("m", { deep: nested(1_000) }))
      const json10 = "{\"d\":".repeat(10) + "\"[Max depth]\"" + "}".repeat(10)
      expect(out.json).toEqual([T + ",\"message\":\"m\",\"deep\":" + json10 + "}"])
      expect(out.console).toEqual([P + "m deep=" + JSON.stringify(json10)])
    }))

  it.effect("deeply nested arrays too", () =>
    Effect.gen(function*() {
      let a: unknown = "bottom"
      for (let i = 0; i < 5_000; i++) a = [a]
      const out = yield* render(Log.info("m", { a }))
      expect(out.json).toEqual([
        T + ",\"message\":\"m\",\"a\":" + "[".repeat(10) + "\"[Max depth]\"" + "]".repeat(10) + "}"
      ])
    }))

  it.effect("wide objects are cut at 100 keys with a \"…\" entry; arrays, Maps and Sets at 100 items", () =>
    Effect.gen(function*() {
      const wide: Record<string, number> = {}
      for (let i = 0; i < 10_000; i++) wide["k" + i] = i
      const first100 = Array.from({ length: 100 }, (_, i) => `"k${i}":${i}`).join(",")
      const items100 = Array.from({ length: 100 }, (_, i) => String(i)).join(",")
      const out = yield* render(Log.info("m", {
        wide,
        arr: Array.from({ length: 10_000 }, (_, i) => i),
        map: new Map(Array.from({ length: 150 }, (_, i) => ["k" + i, i] as const)),
        set: new Set(Array.from({ length: 150 }, (_, i) => i))
      }))
      expect(out.json).toEqual([
        T + ",\"message\":\"m\",\"wide\":{" + first100 + ",\"…\":\"9900 more keys\"}" +
        ",\"arr\":[" + items100 + ",\"… 9900 more items\"]" +
        ",\"map\":{" + first100 + ",\"…\":\"50 more keys\"}" +
        ",\"set\":[" + items100 + ",\"… 50 more items\"]}"
      ])
      expect(out.console).toHaveLength(1)
    }))

  it.effect("long strings are cut at 64 KiB with a marker (messages and values)", () =>
    Effect.gen(function*() {
      const long = "a".repeat(100_000)
      const cut = "a".repeat(65_536) + "…[truncated 34464 chars]"
      const out = yield* render(Log.info(long, { long }))
      expect(out.console).toEqual([P + cut + " long=\"" + cut + "\""])
      expect(out.json).toEqual([T + ",\"message\":\"" + cut + "\",\"long\":\"" + cut + "\"}"])
    }))

  it.effect("cycles, throwing getters, throwing toJSON and hostile proxies nested in a field", () =>
    Effect.gen(function*() {
      const cyc: Record<string, unknown> = { n: 1 }
      cyc.self = cyc
      const getter = {
        ok: 1,
        get bad(): unknown {
          throw new Error("getter\nboom")
        }
      }
      const toJSON = {
        toJSON() {
          throw new Error("nope")
        }
      }
      const proxy = new Proxy({}, {
        ownKeys() {
          throw new Error("no keys")
        },
        get() {
          throw new Error("no get")
        }
      })
      const out = yield* render(Log.info("m", { cyc, getter, toJSON, proxy }))
      expect(out.json).toEqual([
        T +
        ",\"message\":\"m\",\"cyc\":{\"n\":1,\"self\":\"[Circular]\"},\"getter\":{\"ok\":1,\"bad\":\"[Throws: getter\\nboom]\"}," +
        "\"toJSON\":\"[toJSON threw: nope]\",\"proxy\":\"[Unrenderable: no get]\"}"
      ])
      safe(out.console)
    }))
})

// Gaps found while hardening, now fixed: kept as regression tests.
describe("Hostile input: regressions", () => {
  it.effect("Log.withContext with a throwing getter must not kill the program", () =>
    Effect.gen(function*() {
      const getter = {
        ok: 1,
        get bad(): unknown {
          throw new Error("boom")
        }
      }
      const out = yield* render(Log.info("m").pipe(Log.withContext(getter)))
      expect(out.json).toHaveLength(1)
    }))

  it.effect("Log.bind with a hostile Proxy must not kill the program", () =>
    Effect.gen(function*() {
      const proxy = new Proxy({}, {
        ownKeys() {
          throw new Error("no keys")
        }
      })
      const out = yield* render(Effect.suspend(() => Log.bind(proxy).info("m")))
      expect(out.json).toHaveLength(1)
    }))

  it.effect("a throwing getter on a call field loses only that field, not the record", () =>
    Effect.gen(function*() {
      const fields = {
        ok: 1,
        get bad(): unknown {
          throw new Error("boom")
        }
      }
      const lines: Array<string> = []
      yield* Effect.provide(Log.info("m", fields), EmojiLogger.layer({ format: "json" }, (l) => lines.push(l)))
      expect(lines).toEqual([T + ",\"message\":\"m\",\"ok\":1,\"bad\":\"[Throws: boom]\"}\n"])
    }))

  it.effect("TestLog survives a record the formatter cannot render", () =>
    Effect.gen(function*() {
      const fields = {
        get bad(): unknown {
          throw new Error("boom")
        }
      }
      yield* Log.info("m", fields).pipe(Effect.provide(TestLog.layer()))
    }))

  it.effect("JSON fields named like the record's own keys cannot forge level/message/timestamp/logger_name", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      yield* Effect.provide(
        Log.named("svc").info("m", {
          level: "critical",
          message: "forged",
          timestamp: "2000-01-01",
          logger_name: "admin"
        }),
        EmojiLogger.layer({ format: "json" }, (l) => lines.push(l))
      )
      const parsed = JSON.parse(lines[0]!) as Record<string, unknown>
      expect([parsed.level, parsed.message, parsed.timestamp, parsed.logger_name]).toEqual([
        "info",
        "m",
        "1970-01-01T00:00:00.000Z",
        "svc"
      ])
    }))

  it.effect("a logger name round-trips through JSON (escaped once, not twice)", () =>
    Effect.gen(function*() {
      const out = yield* render(Log.named("svc\n\u001b[31m").info("m"))
      expect((JSON.parse(out.json[0]!) as Record<string, unknown>).logger_name).toBe("svc\n\u001b[31m")
    }))
})

// issue 13 items 12 and 16: a hostile value keeps its record, what can be rendered is rendered.
describe("Hostile input: the record is kept", () => {
  /** A Proxy that throws on every trap. */
  const hostile = () => {
    const handler: ProxyHandler<object> = {}
    for (
      const trap of [
        "get",
        "has",
        "ownKeys",
        "getOwnPropertyDescriptor",
        "getPrototypeOf",
        "set",
        "defineProperty",
        "deleteProperty",
        "isExtensible",
        "preventExtensions",
        "setPrototypeOf",
        "apply",
        "construct"
      ] as const
    ) {
      handler[trap] = () => {
        throw new Error("trap " + trap)
      }
    }
    return new Proxy({}, handler)
  }

  it.effect("Log.exception(message, proxy) that throws on every trap", () =>
    Effect.gen(function*() {
      const out = yield* render(Log.exception("boom", hostile()))
      expect(out.console).toEqual(["🔥 ERROR " + P + "boom error=\"[Unrenderable: trap has]\""])
      expect(out.json).toEqual([
        T.replace("info", "error") + ",\"message\":\"boom\",\"error\":\"[Unrenderable: trap has]\"}"
      ])
    }))

  it.effect("Log.withContext(proxy) that throws on every trap", () =>
    Effect.gen(function*() {
      const out = yield* render(Log.info("m").pipe(Log.withContext(hostile())))
      expect(out.console).toEqual([P + "m fields=\"[Unrenderable: trap ownKeys]\""])
      expect(out.json).toEqual([T + ",\"message\":\"m\",\"fields\":\"[Unrenderable: trap ownKeys]\"}"])
      const scoped = yield* render(Effect.scoped(Effect.andThen(Log.withContextScoped(hostile()), Log.info("s"))))
      expect(scoped.console).toEqual([P + "s fields=\"[Unrenderable: trap ownKeys]\""])
    }))

  it.effect("an error Proxy whose getPrototypeOf throws keeps the message and level", () =>
    Effect.gen(function*() {
      const err = new Proxy(new Error("x"), {
        getPrototypeOf: () => {
          throw new Error("no prototype")
        }
      })
      const out = yield* render(Effect.andThen(Log.exception("boom", err), Log.warning("next")))
      expect(out.console).toEqual([
        "🔥 ERROR " + P + "boom error=\"[Unrenderable: no prototype]\"",
        "⚠️ WARN " + P + "next"
      ])
      expect(out.json).toEqual([
        T.replace("info", "error") + ",\"message\":\"boom\",\"error\":\"[Unrenderable: no prototype]\"}",
        T.replace("info", "warning") + ",\"message\":\"next\"}"
      ])
    }))

  it.effect("a message that is not a string (Log.info(42) from JavaScript) is rendered as text", () =>
    Effect.gen(function*() {
      const info = Log.info as (message: unknown, fields?: unknown) => Effect.Effect<void>
      const out = yield* render(Effect.all([info(42, { k: 1 }), info({ a: 1 }), info(null), info(undefined)]))
      expect(out.console).toEqual([P + "42 k=1", P + "{\"a\":1}", P + "null", P + "undefined"])
      expect(out.json).toEqual([
        T + ",\"message\":\"42\",\"k\":1}",
        T + ",\"message\":\"{\\\"a\\\":1}\"}",
        T + ",\"message\":\"null\"}",
        T + ",\"message\":\"undefined\"}"
      ])
    }))

  it.effect("a formatter that throws anyway: the last-resort line keeps the level and the message", () =>
    Effect.gen(function*() {
      // the core formatter throws: the binding's formatter writes the last-resort line
      class Throwing extends Formatter {
        constructor(options: ConstructorParameters<typeof Formatter>[0]) {
          super(options)
          Object.assign(this.core, {
            format: () => {
              throw new Error("bad")
            }
          })
        }
      }
      for (const format of ["json", "key_value"] as const) {
        const lines: Array<string> = []
        const logger = fromFormatter(new Throwing(formatOptions({ format })), (l) => lines.push(l))
        yield* Effect.scoped(
          Effect.andThen(
            EmojiLogger.install(logger, "info"),
            Effect.andThen(Log.warning("kept", { k: 1 }), Effect.logError("effect kept", 1))
          )
        )
        expect(lines).toEqual(
          format === "json"
            ? [
              T.replace("info", "warning") + ",\"message\":\"kept\",\"error\":\"unformattable record: bad\"}\n",
              T.replace("info", "error") + ",\"message\":\"effect kept\",\"error\":\"unformattable record: bad\"}\n"
            ]
            : [
              "⚠️ WARN kept error=\"unformattable record: bad\"\n",
              "🔥 ERROR effect kept error=\"unformattable record: bad\"\n"
            ]
        )
      }
    }))

  it.effect("null or undefined given as fields (from JavaScript): no fields, no DAS markers", () =>
    Effect.gen(function*() {
      const info = Log.info as (message: string, fields?: unknown) => Effect.Effect<void>
      const bind = Log.bind as (fields: unknown) => Log.BoundLogger
      const withContext = Log.withContext as (
        fields: unknown
      ) => <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
      const out = yield* render(Effect.all([
        info("a", null),
        info("b", undefined),
        bind(null).info("c"),
        bind(undefined).info("d"),
        info("e").pipe(withContext(null))
      ]))
      expect(out.console).toEqual([P + "a", P + "b", P + "c", P + "d", P + "e"])
      expect(out.json).toEqual(["a", "b", "c", "d", "e"].map((m) => T + ",\"message\":\"" + m + "\"}"))
    }))

  it.effect("a throwing getter on a DAS key shows no DAS marker", () =>
    Effect.gen(function*() {
      const fields = {
        get status(): unknown {
          throw new Error("no")
        },
        k: 1
      }
      const out = yield* render(Log.info("m", fields))
      expect(out.console).toEqual([P + "m status=\"[Throws: no]\" k=1"])
    }))
})
