import { Cause, Data, Effect, Fiber, Layer, Logger, Redacted } from "effect"
import * as TestClock from "effect/testing/TestClock"
import * as TestConsole from "effect/testing/TestConsole"
import { describe, expect, vi } from "vitest"
import { FormatterBase as Formatter } from "../../src/core/formatter.js"
import * as Emoji from "../../src/effect4/Emoji.js"
import * as EmojiLogger from "../../src/effect4/EmojiLogger.js"
import { formatOptions, Formatter as E4Formatter } from "../../src/effect4/internal/format.js"
import { layer as installLayer } from "../../src/effect4/internal/install.js"
import { fromFormatter } from "../../src/effect4/internal/logger.js"
import * as Log from "../../src/effect4/Log.js"
import * as RootEmoji from "../../src/Emoji.js"
import { it, minimum } from "./utils.js"

const capture = (options: EmojiLogger.Options = {}) => {
  const lines: Array<string> = []
  return { lines, layer: EmojiLogger.layer(options, (line) => lines.push(line)) }
}

/** Runs `program` with a capturing logger and returns the rendered lines (without "\n"). */
const render = (program: Effect.Effect<unknown>, options: EmojiLogger.Options = {}) => {
  const c = capture(options)
  return Effect.map(Effect.provide(program, c.layer), () => c.lines.map((l) => l.slice(0, -1)))
}

describe("EmojiLogger console format", () => {
  it.effect("renders the workers demo's sample output", () =>
    Effect.gen(function*() {
      const lines = yield* render(Effect.gen(function*() {
        yield* Log.info("Main application starting, dispatching workers...")
        yield* Log.named("worker.alpha").info("Starting work")
        yield* Log.named("worker.bravo").info("Work complete", { duration_ms: 867, status: "success" })
        yield* Log.info("All workers have finished.")
      }))
      expect(lines).toEqual([
        "[▶️] Main application starting, dispatching workers...",
        "[👷] Starting work",
        "[✅] Work complete duration_ms=867 status=success",
        "[▶️] All workers have finished."
      ])
    }))

  it.effect("every line ends with exactly one newline", () =>
    Effect.gen(function*() {
      const c = capture()
      yield* Effect.provide(Log.info("a", { x: "line1\nline2" }), c.layer)
      expect(c.lines).toEqual(["[▶️] a x=\"line1\\nline2\"\n"])
    }))

  it.effect("info carries no level marker; every other level carries emoji and label", () =>
    Effect.gen(function*() {
      const lines = yield* render(
        Effect.gen(function*() {
          yield* Log.trace("t")
          yield* Log.debug("d")
          yield* Log.info("i")
          yield* Log.warning("w")
          yield* Log.warn("w2")
          yield* Log.error("e")
          yield* Log.critical("c")
          yield* Effect.logFatal("f")
        }),
        { level: "trace" }
      )
      expect(lines).toEqual([
        "👣 TRACE [▶️] t",
        "🐞 DEBUG [▶️] d",
        "[▶️] i",
        "⚠️ WARN [▶️] w",
        "⚠️ WARN [▶️] w2",
        "🔥 ERROR [▶️] e",
        "❌ CRITICAL [▶️] c",
        "❌ CRITICAL [▶️] f"
      ])
    }))

  it.effect("DAS markers replace the name emoji, one per field present, in domain/action/status order", () =>
    Effect.gen(function*() {
      const lines = yield* render(Effect.gen(function*() {
        yield* Log.named("auth.service").info("User logged in", {
          domain: "auth",
          action: "login",
          status: "success",
          user_id: 42
        })
        yield* Log.info("only status", { status: "complete" })
        yield* Log.info("unknown values", { domain: "nope", action: "nope", status: "nope" })
        yield* Log.bind({ domain: "database" }).info("bound domain", { action: "QUERY" })
        yield* Log.info("from context").pipe(Log.withContext({ status: "retry" }))
        yield* Log.named("http").info("numeric status is not DAS", { status: 503 })
      }))
      expect(lines).toEqual([
        "[🔑][➡️][✅] User logged in domain=auth action=login status=success user_id=42",
        "[🏁] only status status=complete",
        "[❓][❓][➡️] unknown values domain=nope action=nope status=nope",
        "[🗄️][🔍] bound domain domain=database action=QUERY",
        "[🔁] from context status=retry",
        "[🛎️] numeric status is not DAS status=503"
      ])
    }))

  it.effect("emoji switches turn the markers off", () =>
    Effect.gen(function*() {
      const lines = yield* render(
        Log.named("worker.a").info("x", { status: "success" }),
        { dasEmoji: false, loggerNameEmoji: false }
      )
      expect(lines).toEqual(["x status=success"])
      const named = yield* render(Log.named("worker.a").info("x", { status: "success" }), { dasEmoji: false })
      expect(named).toEqual(["[👷] x status=success"])
    }))

  it.effect("quotes values that need it and escapes control characters, so one record is one line", () =>
    Effect.gen(function*() {
      const lines = yield* render(Log.info("multi\nline\r\tmsg \u001b[31mred", {
        plain: "abc",
        spaced: "a b",
        empty: "",
        eq: "a=b",
        quote: "say \"hi\"",
        ansi: "\u001b[2J",
        c1: "x\u009by",
        ls: "a\u2028b",
        num: 1.5,
        neg: -2,
        bool: true,
        nul: null,
        undef: undefined,
        "bad key": 1,
        "k=v": 2
      }))
      expect(lines).toEqual([
        "[▶️] multi\\nline\\r\\tmsg \\u001b[31mred plain=abc spaced=\"a b\" empty=\"\" eq=\"a=b\" quote=\"say \\\"hi\\\"\"" +
        " ansi=\"\\u001b[2J\" c1=\"x\\u009by\" ls=\"a\\u2028b\" num=1.5 neg=-2 bool=true nul=null undef=undefined" +
        " \"bad key\"=1 \"k=v\"=2"
      ])
    }))

  it.effect("optional ISO-8601 timestamp from the Clock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2026, 10, 21, 18, 0, 0, 123))
      const lines = yield* render(Log.warning("w"), { timestamps: true })
      expect(lines).toEqual(["2026-11-21T18:00:00.123Z ⚠️ WARN [▶️] w"])
    }))

  it.effect("colours only when asked", () =>
    Effect.gen(function*() {
      const plain = yield* render(Log.warning("w", { k: 1 }))
      expect(plain[0]).not.toContain("\u001b")
      const colored = yield* render(Log.warning("w", { k: 1 }), { colors: true })
      expect(colored).toEqual(["\u001b[33m⚠️ WARN\u001b[0m [▶️] w \u001b[2mk=\u001b[0m1"])
    }))

  it.effect("fields come in order: service, context, bound, call; spans follow", () =>
    Effect.gen(function*() {
      const lines = yield* render(
        Log.bind({ b: 2 }).info("m", { c: 3 }).pipe(
          Log.withContext({ a: 1 }),
          Effect.withLogSpan("op"),
          Effect.tap(() => TestClock.adjust("0 millis"))
        ),
        { serviceName: "svc" }
      )
      expect(lines).toEqual(["[▶️] m service_name=svc a=1 b=2 c=3 op=0ms"])
    }))

  it.effect("plain Effect.log* renders the same way, multi-part messages joined", () =>
    Effect.gen(function*() {
      const lines = yield* render(Effect.gen(function*() {
        yield* Effect.logInfo("hello", "world", 42)
        yield* Effect.logWarning({ a: 1 })
        yield* Effect.log("x").pipe(Effect.annotateLogs({ user: "u1" }))
      }))
      // a plain object argument becomes fields (see the multi-argument rule)
      expect(lines).toEqual(["[▶️] hello world 42", "⚠️ WARN [▶️] a=1", "[▶️] x user=u1"])
    }))

  it.effect("errors: name, message and stack on one line; a Cause renders failures, defects and interruption", () =>
    Effect.gen(function*() {
      const err = new Error("bad")
      err.stack = "Error: bad\n    at f (x.ts:1:1)"
      const lines = yield* render(Effect.gen(function*() {
        yield* Log.exception("boom", err)
        yield* Log.exception("caused", Cause.fail("nope"))
      }))
      expect(lines[0]).toBe("🔥 ERROR [▶️] boom error=\"Error: bad\" stack=\"Error: bad\\n    at f (x.ts:1:1)\"")
      expect(lines[1]).toMatch(/^🔥 ERROR \[▶️\] caused cause="Error: nope/)
      expect(lines.every((l) => !l.includes("\n"))).toBe(true)
    }))
})

describe("EmojiLogger JSON format", () => {
  const json = (program: Effect.Effect<unknown>, options: EmojiLogger.Options = {}) =>
    Effect.map(render(program, { ...options, format: "json" }), (lines) => lines.map((l) => JSON.parse(l)))

  it.effect("one object per line: timestamp, level, message, logger_name, fields", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2026, 0, 2, 3, 4, 5, 6))
      const c = capture({ format: "json", serviceName: "api" })
      yield* Effect.provide(
        Log.named("db.pool").bind({ pool: "main" }).warning("slow", { ms: 12 }).pipe(
          Log.withContext({ request_id: "r1" })
        ),
        c.layer
      )
      expect(c.lines).toEqual([
        "{\"timestamp\":\"2026-01-02T03:04:05.006Z\",\"level\":\"warning\",\"message\":\"slow\",\"logger_name\":\"db.pool\"," +
        "\"service_name\":\"api\",\"request_id\":\"r1\",\"pool\":\"main\",\"ms\":12}\n"
      ])
    }))

  it.effect("fields named like the record's own keys are written as fields.<name>, so nothing is forged", () =>
    Effect.gen(function*() {
      const c = capture({ format: "json", serviceName: "real" })
      yield* Effect.provide(
        Log.exception("m", new Error("real error"), {
          level: "critical",
          message: "forged",
          timestamp: "2000",
          logger_name: "admin",
          service_name: "fake",
          spans: "x",
          error: "fake error",
          cause: "fake cause"
        }),
        c.layer
      )
      const rec = JSON.parse(c.lines[0]!)
      expect([rec.level, rec.message, rec.timestamp, rec.logger_name, rec.service_name]).toEqual([
        "error",
        "m",
        "1970-01-01T00:00:00.000Z",
        undefined,
        "real"
      ])
      expect(rec.error.message).toBe("real error")
      expect(rec["fields.level"]).toBe("critical")
      expect(rec["fields.error"]).toBe("fake error")
      expect(rec["fields.service_name"]).toBe("fake")
      expect(c.lines[0]!.match(/"level":/g)).toHaveLength(1)
    }))

  it.effect("levels are lower-case names", () =>
    Effect.gen(function*() {
      const recs = yield* json(
        Effect.gen(function*() {
          yield* Log.trace("a")
          yield* Log.debug("a")
          yield* Log.info("a")
          yield* Log.warn("a")
          yield* Log.error("a")
          yield* Log.critical("a")
        }),
        { level: "trace" }
      )
      expect(recs.map((r) => r.level)).toEqual(["trace", "debug", "info", "warning", "error", "critical"])
      expect(recs.every((r) => !("logger_name" in r))).toBe(true)
    }))

  it.effect("errors keep name, message, stack, own fields and the cause chain", () =>
    Effect.gen(function*() {
      class Inner extends Data.TaggedError("Inner")<{ readonly code: number }> {}
      const inner = new Inner({ code: 7 })
      const outer = new Error("outer", { cause: inner })
      const [rec] = yield* json(Log.exception("failed", outer))
      expect(rec.error.name).toBe("Error")
      expect(rec.error.message).toBe("outer")
      expect(rec.error.stack).toContain("Error: outer")
      expect(rec.error.cause._tag).toBe("Inner")
      expect(rec.error.cause.code).toBe(7)
      expect(typeof rec.error.cause.stack).toBe("string")
    }))

  it.effect("a Cause lists failures and defects and marks interruption", () =>
    Effect.gen(function*() {
      const recs = yield* json(Effect.gen(function*() {
        yield* Log.exception(
          "f",
          Cause.fromReasons([Cause.makeFailReason(new Error("typed")), Cause.makeDieReason(new TypeError("defect"))])
        )
        const fiber = yield* Effect.forkChild(Effect.never)
        yield* Fiber.interrupt(fiber)
        const exit = yield* Fiber.await(fiber)
        if (exit._tag === "Failure") yield* Log.exception("i", exit.cause)
        yield* Effect.logError("plain", Cause.die("boom"))
      }))
      expect(recs[0].cause.failures[0].message).toBe("typed")
      expect(recs[0].cause.defects[0].name).toBe("TypeError")
      expect(recs[1].cause).toEqual({ interrupted: true })
      expect(recs[2].message).toBe("plain")
      expect(recs[2].cause).toEqual({ defects: ["boom"] })
    }))

  it.effect("log spans are an object of elapsed milliseconds", () =>
    Effect.gen(function*() {
      const recs = yield* json(
        Effect.gen(function*() {
          yield* TestClock.adjust("25 millis")
          yield* Log.info("inside")
        }).pipe(Effect.withLogSpan("outer"))
      )
      expect(recs[0].spans).toEqual({ outer: 25 })
    }))
})

describe("safe rendering of bad values", () => {
  const one = (value: unknown) =>
    Effect.map(render(Log.info("v", { value }), { format: "json" }), (lines) => {
      expect(lines).toHaveLength(1)
      return JSON.parse(lines[0]!).value
    })
  const oneConsole = (value: unknown) => Effect.map(render(Log.info("v", { value })), (lines) => lines[0])

  it.effect("circular references", () =>
    Effect.gen(function*() {
      const a: Record<string, unknown> = { name: "a" }
      a.self = a
      a.list = [a]
      expect(yield* one(a)).toEqual({ name: "a", self: "[Circular]", list: ["[Circular]"] })
      expect(yield* oneConsole(a)).toBe(
        "[▶️] v value=\"{\\\"name\\\":\\\"a\\\",\\\"self\\\":\\\"[Circular]\\\",\\\"list\\\":[\\\"[Circular]\\\"]}\""
      )
    }))

  it.effect("shared (non-circular) references render twice", () =>
    Effect.gen(function*() {
      const shared = { x: 1 }
      expect(yield* one({ a: shared, b: shared })).toEqual({ a: { x: 1 }, b: { x: 1 } })
    }))

  it.effect("BigInt, Symbol, functions, undefined, NaN", () =>
    Effect.gen(function*() {
      expect(yield* one(12345678901234567890n)).toBe("12345678901234567890")
      expect(yield* oneConsole(10n)).toBe("[▶️] v value=10")
      expect(yield* one(Symbol("s"))).toBe("Symbol(s)")
      expect(yield* one(function named() {})).toBe("[Function: named]")
      expect(yield* one({ u: undefined, k: 1 })).toEqual({ k: 1 })
      expect(yield* one([undefined, 1])).toEqual([null, 1])
      expect(yield* one(NaN)).toBe("NaN")
      expect(yield* oneConsole(undefined)).toBe("[▶️] v value=undefined")
    }))

  it.effect("Map, Set, Date, typed arrays", () =>
    Effect.gen(function*() {
      expect(yield* one(new Map<unknown, unknown>([["a", 1], [2, "b"]]))).toEqual({ a: 1, "2": "b" })
      expect(yield* one(new Set([1, "x"]))).toEqual([1, "x"])
      expect(yield* one(new Date(0))).toBe("1970-01-01T00:00:00.000Z")
      expect(yield* one(new Date(NaN))).toBe("Invalid Date")
      expect(yield* one(new Uint8Array([1, 2, 3]))).toEqual([1, 2, 3])
      expect(yield* one(new Float64Array(150))).toHaveLength(101)
    }))

  it.effect("throwing getters and throwing toJSON", () =>
    Effect.gen(function*() {
      const getter = {
        ok: 1,
        get bad(): number {
          throw new Error("nope")
        }
      }
      expect(yield* one(getter)).toEqual({ ok: 1, bad: "[Throws: nope]" })
      const toJson = {
        toJSON() {
          throw new Error("no json")
        }
      }
      expect(yield* one(toJson)).toBe("[toJSON threw: no json]")
      const proxy = new Proxy({}, {
        ownKeys() {
          throw new Error("no keys")
        }
      })
      expect(yield* one(proxy)).toBe("[Unrenderable: no keys]")
    }))

  it.effect("strings over 64 KiB are truncated with a marker saying how much was cut", () =>
    Effect.gen(function*() {
      const huge = "x".repeat(64 * 1024 + 500)
      const value = yield* one(huge)
      expect(value).toBe("x".repeat(64 * 1024) + "…[truncated 500 chars]")
      const msg = yield* render(Log.info(huge), { format: "json" })
      expect(JSON.parse(msg[0]!).message.endsWith("…[truncated 500 chars]")).toBe(true)
    }))

  it.effect("Effect Redacted values print as <redacted> in both formats", () =>
    Effect.gen(function*() {
      expect(yield* one(Redacted.make("hunter2"))).toBe("<redacted>")
      expect(yield* oneConsole(Redacted.make("hunter2"))).toBe("[▶️] v value=<redacted>")
    }))

  it.effect("deep and wide values are cut with markers", () =>
    Effect.gen(function*() {
      let deep: Record<string, unknown> = { leaf: true }
      for (let i = 0; i < 20; i++) deep = { d: deep }
      let cur = yield* one(deep)
      let depth = 0
      while (typeof cur === "object") {
        cur = cur.d
        depth++
      }
      expect(cur).toBe("[Max depth]")
      expect(depth).toBe(10)
      const wide: Record<string, number> = {}
      for (let i = 0; i < 150; i++) wide["k" + i] = i
      const out = yield* one(wide)
      expect(Object.keys(out)).toHaveLength(101)
      expect(out["…"]).toBe("50 more keys")
    }))
})

describe("EmojiLogger prepared bindings", () => {
  it.effect("with a JSON and a console logger installed (one inside the other: effect 4's logger set is a reference), a binding is prepared once per formatter (not once per record)", () =>
    Effect.gen(function*() {
      const prepare = vi.spyOn(Formatter.prototype as unknown as { prepare: (b: unknown) => unknown }, "prepare")
      const json: Array<string> = []
      const console: Array<string> = []
      const log = Log.named("db.pool").bind({ pool: "main", size: 4 })
      yield* Effect.gen(function*() {
        for (let i = 0; i < 1000; i++) yield* log.info("query", { i })
      }).pipe(
        Effect.provide(
          EmojiLogger.layer({ format: "json" }, (l) => json.push(l)).pipe(
            Layer.provide(EmojiLogger.layer({ format: "key_value" }, (l) => console.push(l)))
          )
        )
      )
      const calls = prepare.mock.calls.filter(([b]) => b === (log as unknown as { binding: unknown }).binding).length
      prepare.mockRestore()
      expect(json.length).toBe(1000)
      expect(console.length).toBe(1000)
      expect(json[999]).toContain("\"logger_name\":\"db.pool\",\"pool\":\"main\",\"size\":4,\"i\":999")
      expect(console[999]).toBe("[🗄️] query pool=main size=4 i=999\n")
      expect(calls).toBe(2)
    }))
})

describe("EmojiLogger record limits", () => {
  it.effect("a record's own fields are capped at maxKeys, like nested objects", () =>
    Effect.gen(function*() {
      const fields = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`k${i}`, i]))
      const [json] = yield* render(Log.info("wide", fields), { format: "json" })
      const o = JSON.parse(json!)
      expect(Object.keys(o).filter((k) => k.startsWith("k")).length).toBe(100)
      expect(o["…"]).toBe("50 more keys")
    }))

  it.effect("fields rendering past maxLineLength are left out with a note; message, level and error stay", () =>
    Effect.gen(function*() {
      const fields = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}`, "x".repeat(60_000)]))
      const [json] = yield* render(Log.exception("huge", new TypeError("boom"), fields), { format: "json" })
      expect(json!.length).toBeLessThan(2_000)
      expect(JSON.parse(json!)).toMatchObject({
        level: "error",
        message: "huge",
        truncated: expect.stringContaining("over the 1048576-character limit were left out"),
        error: "TypeError: boom"
      })
      const [line] = yield* render(Log.info("huge", fields), { limits: { maxLineLength: 10_000 } })
      expect(line).toMatch(
        /^\[▶️\] huge truncated="record fields of \d+ characters over the 10000-character limit were left out"$/
      )
    }))
})

describe("errors in the console show what JSON shows", () => {
  class NotFound extends Data.TaggedError("NotFound")<{ readonly id: number; readonly token: string }> {}

  const both = (program: Effect.Effect<unknown>) =>
    Effect.gen(function*() {
      return { console: yield* render(program), json: yield* render(program, { format: "json" }) }
    })

  it.effect("the cause chain (cause=…, cause.cause=…) and a tagged error's own fields, on one line", () =>
    Effect.gen(function*() {
      const root = new NotFound({ id: 42, token: "t0k" })
      root.stack = "NotFound: x"
      const inner = new Error("connection refused", { cause: root })
      inner.stack = "Error: connection refused"
      const outer = new TypeError("request failed", { cause: inner })
      outer.stack = "TypeError: request failed\n    at f (x.ts:1:1)"
      const out = yield* both(Log.exception("failed", outer))
      expect(out.console).toEqual([
        "🔥 ERROR [▶️] failed error=\"TypeError: request failed\" cause=\"Error: connection refused\" cause.cause=NotFound " +
        "cause.cause.id=42 cause.cause.token=[REDACTED] stack=\"TypeError: request failed\\n    at f (x.ts:1:1)\""
      ])
      const json = JSON.parse(out.json[0]!) as { error: { cause: { cause: Record<string, unknown> } } }
      expect(json.error.cause.cause).toMatchObject({ name: "NotFound", id: 42, token: "[REDACTED]", _tag: "NotFound" })
    }))

  it.effect("a tagged error at the top: its fields as error.<key>", () =>
    Effect.gen(function*() {
      const err = new NotFound({ id: 7, token: "x" })
      err.stack = "NotFound"
      const out = yield* both(Effect.logError("lookup failed", err))
      expect(out.console).toEqual([
        "🔥 ERROR [▶️] lookup failed error=NotFound error.id=7 error.token=[REDACTED] stack=NotFound"
      ])
    }))

  it.effect("AggregateError's errors, in both formats", () =>
    Effect.gen(function*() {
      const a = new Error("a")
      a.stack = "Error: a"
      const b = new RangeError("b")
      b.stack = "RangeError: b"
      const all = new AggregateError([a, b], "2 failed")
      all.stack = "AggregateError: 2 failed"
      const out = yield* both(Log.exception("batch", all))
      expect(out.console).toEqual([
        "🔥 ERROR [▶️] batch error=\"AggregateError: 2 failed\" errors.0=\"Error: a\" errors.1=\"RangeError: b\" stack=\"AggregateError: 2 failed\""
      ])
      expect(out.json).toEqual([
        "{\"timestamp\":\"1970-01-01T00:00:00.000Z\",\"level\":\"error\",\"message\":\"batch\",\"error\":{\"name\":\"AggregateError\"," +
        "\"message\":\"2 failed\",\"stack\":\"AggregateError: 2 failed\",\"errors\":[{\"name\":\"Error\",\"message\":\"a\",\"stack\":\"Error: a\"}," +
        "{\"name\":\"RangeError\",\"message\":\"b\",\"stack\":\"RangeError: b\"}]}}"
      ])
    }))

  it.effect("a cycle in the cause chain ends with [Circular]", () =>
    Effect.gen(function*() {
      const a = new Error("a")
      a.stack = "Error: a"
      const b = new Error("b", { cause: a })
      ;(a as { cause?: unknown }).cause = b
      const out = yield* render(Log.exception("loop", a))
      expect(out).toEqual([
        "🔥 ERROR [▶️] loop error=\"Error: a\" cause=\"Error: b\" cause.cause=[Circular] stack=\"Error: a\""
      ])
    }))
})

describe("EmojiLogger for effect 4: install, the rate limit hook, effect 4's default logger", () => {
  it.effect("install: our logger for the rest of the scope, the minimum level set; both restored when it closes", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const seen: Array<string> = []
      const other = Logger.make(({ message }) => void seen.push(String((message as Array<unknown>)[0])))
      yield* Effect.gen(function*() {
        yield* Effect.scoped(Effect.gen(function*() {
          yield* EmojiLogger.install(EmojiLogger.make({}, (l) => lines.push(l)), "debug")
          yield* Log.debug("inside")
          yield* Effect.logTrace("below")
        }))
        yield* Log.debug("after: below effect 4's default minimum (Info)")
        yield* Log.info("after: to the loggers there before")
      }).pipe(Effect.provide(Logger.layer([other])))
      expect(lines).toEqual(["🐞 DEBUG [▶️] inside\n"])
      expect(seen).toEqual(["inside", "after: to the loggers there before"])
    }))

  it.effect("the rate limiter is asked before rendering; a summary line comes before the next record admitted", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      let n = 0
      const limiter = {
        // the 2nd and 3rd records are held back; the 4th is admitted after 2 held back
        check: () => (++n === 2 || n === 3 ? -1 : n === 4 ? 2 : 0),
        drain: () => []
      }
      const formatter = new E4Formatter(formatOptions({}))
      const logger = fromFormatter(formatter, (l) => lines.push(l), limiter)
      yield* Effect.gen(function*() {
        for (let i = 1; i <= 4; i++) yield* Log.named("db").info("r" + i)
      }).pipe(Effect.provide(Logger.layer([logger])))
      expect(lines).toEqual([
        "[🗄️] r1\n",
        "⚠️ WARN [▶️] 2 records suppressed for db suppressed=2 logger=db\n",
        "[🗄️] r4\n"
      ])
    }))

  it.effect("without our logger, effect 4's default logger receives Log.* records with the default redaction", () =>
    Effect.gen(function*() {
      yield* Log.named("db").info("login password=hunter2", { ms: 12, token: "t0k" }).pipe(
        Log.withContext({ request_id: "r1" })
      )
      // effect 4's default logger prints the message, then the annotations object
      const logged = JSON.stringify(yield* TestConsole.logLines)
      expect(logged).toContain("login password=[REDACTED]")
      expect(logged).toContain("{\"request_id\":\"r1\",\"logger_name\":\"db\",\"ms\":12,\"token\":\"[REDACTED]\"}")
      expect(logged).not.toMatch(/hunter2|t0k/)
    }).pipe(Effect.provide(TestConsole.layer)))

  it("Emoji is the package root's Effect-free module", () => {
    expect(Emoji.forName("db.pool")).toBe(RootEmoji.forName("db.pool"))
    expect(Emoji.defaults).toBe(RootEmoji.defaults)
  })
})

describe("outputs with their own level (what Foundation's outputs use)", () => {
  const outputs = (explicit: boolean) => {
    const warnOnly: Array<string> = []
    const all: Array<string> = []
    const formatter = new E4Formatter(formatOptions({}))
    const layer = installLayer(
      [
        fromFormatter(formatter, (l) => warnOnly.push(l), undefined, undefined, { threshold: 30000, explicit }),
        fromFormatter(formatter, (l) => all.push(l))
      ],
      "debug",
      undefined
    )
    return { warnOnly, all, layer }
  }
  const program = Effect.gen(function*() {
    yield* Log.debug("d")
    yield* Effect.logInfo("i")
    yield* Log.warning("w")
  })

  it.effect("below its level, a record skips the output while the layers' floor is the minimum level", () =>
    Effect.gen(function*() {
      const o = outputs(false)
      yield* program.pipe(Effect.provide(o.layer))
      expect(o.all).toEqual(["🐞 DEBUG [▶️] d\n", "[▶️] i\n", "⚠️ WARN [▶️] w\n"])
      expect(o.warnOnly).toEqual(["⚠️ WARN [▶️] w\n"])
    }))

  // (effect 4's levels are strings: a minimum level provided equal to the layers' floor counts as the floor)
  it.effect("a minimum level the program provides holds for every output, unless the output's level was given", () =>
    Effect.gen(function*() {
      const o = outputs(false)
      yield* program.pipe(minimum("Trace"), Effect.provide(o.layer))
      expect(o.warnOnly).toEqual(["🐞 DEBUG [▶️] d\n", "[▶️] i\n", "⚠️ WARN [▶️] w\n"])
      const e = outputs(true)
      yield* program.pipe(minimum("Trace"), Effect.provide(e.layer))
      expect(e.warnOnly).toEqual(["⚠️ WARN [▶️] w\n"])
      expect(e.all).toHaveLength(3)
    }))
})
