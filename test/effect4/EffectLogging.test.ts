/**
 * Effect 4's own logging entry points rendered by our logger (the root's EffectLogging cases, with
 * `EmojiLogger.layer` for the root's `Foundation.layer`; the same expected lines): `Effect.log*` with any
 * arguments, the minimum level both ways (`References.MinimumLogLevel` and ours), other loggers' view of `Log.*`
 * records (redacted), trace ids and span events inside spans.
 */
import { Cause, Data, Effect, Logger, References, Tracer } from "effect"
import * as TestClock from "effect/testing/TestClock"
import { describe, expect } from "vitest"
import * as EmojiLogger from "../../src/effect4/EmojiLogger.js"
import * as Log from "../../src/effect4/Log.js"
import * as TestLog from "../../src/effect4/TestLog.js"
import { it, recordingTracer } from "./utils.js"

/** Runs `program` with our logger installed (the options given), writing to an array; the lines it wrote. */
const run = <E>(format: "key_value" | "json", program: Effect.Effect<unknown, E>, options: EmojiLogger.Options = {}) =>
  Effect.gen(function*() {
    const out: Array<string> = []
    yield* program.pipe(Effect.provide(EmojiLogger.layer({ format, ...options }, (line) => void out.push(line))))
    return out.join("").split("\n").slice(0, -1)
  })

const minimum = (level: "Trace" | "Debug" | "Info" | "Warn" | "Error") => <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.provideService(self, References.MinimumLogLevel, level)

const T = "{\"timestamp\":\"1970-01-01T00:00:00.000Z\""

const error = () => {
  const err = new Error("bad")
  err.stack = "Error: bad\n    at f (x.ts:1:1)"
  return err
}
const STACK = "\"Error: bad\\n    at f (x.ts:1:1)\""
const ERROR_JSON = "{\"name\":\"Error\",\"message\":\"bad\",\"stack\":" + STACK + "}"

describe("effect 4's logging entry points with our logger installed", () => {
  const program = Effect.gen(function*() {
    yield* Effect.log()
    yield* Effect.log("one")
    yield* Effect.log("a", 1, true)
    yield* Effect.logTrace("t")
    yield* Effect.logDebug("d", { k: 1 })
    yield* Effect.logInfo("i", ["x", 2])
    yield* Effect.logWarning("w", error())
    yield* Effect.logError("Request failed", error(), { status: 500 })
    yield* Effect.logFatal("f", Cause.fail("boom"))
    yield* Effect.logInfo("annotated").pipe(Effect.annotateLogs({ user: "u1" }), Effect.annotateLogs("req", "r1"))
    yield* Effect.logInfo("spanned").pipe(Effect.withLogSpan("op"))
    yield* Effect.logInfo("hidden").pipe(minimum("Warn"))
    yield* Effect.logWarning("shown").pipe(minimum("Warn"))
    yield* Log.info("structured", { a: 1 })
  }).pipe(minimum("Trace"))

  it.effect("console (key_value): the root's lines", () =>
    Effect.gen(function*() {
      expect(yield* run("key_value", program)).toEqual([
        "[▶️]",
        "[▶️] one",
        "[▶️] a 1 true",
        "👣 TRACE [▶️] t",
        "🐞 DEBUG [▶️] d k=1",
        "[▶️] i [\"x\",2]",
        "⚠️ WARN [▶️] w error=\"Error: bad\" stack=" + STACK,
        "🔥 ERROR [▶️] Request failed status=500 error=\"Error: bad\" stack=" + STACK,
        "❌ CRITICAL [▶️] f cause=\"Error: boom\"",
        "[▶️] annotated req=r1 user=u1",
        "[▶️] spanned op=0ms",
        "⚠️ WARN [▶️] shown",
        "[▶️] structured a=1"
      ])
    }))

  it.effect("JSON: the root's lines", () =>
    Effect.gen(function*() {
      expect(yield* run("json", program)).toEqual([
        T + ",\"level\":\"info\",\"message\":\"\"}",
        T + ",\"level\":\"info\",\"message\":\"one\"}",
        T + ",\"level\":\"info\",\"message\":\"a 1 true\"}",
        T + ",\"level\":\"trace\",\"message\":\"t\"}",
        T + ",\"level\":\"debug\",\"message\":\"d\",\"k\":1}",
        T + ",\"level\":\"info\",\"message\":\"i [\\\"x\\\",2]\"}",
        T + ",\"level\":\"warning\",\"message\":\"w\",\"error\":" + ERROR_JSON + "}",
        T + ",\"level\":\"error\",\"message\":\"Request failed\",\"status\":500,\"error\":" + ERROR_JSON + "}",
        T + ",\"level\":\"critical\",\"message\":\"f\",\"cause\":{\"failures\":[\"boom\"]}}",
        T + ",\"level\":\"info\",\"message\":\"annotated\",\"req\":\"r1\",\"user\":\"u1\"}",
        T + ",\"level\":\"info\",\"message\":\"spanned\",\"spans\":{\"op\":0}}",
        T + ",\"level\":\"warning\",\"message\":\"shown\"}",
        T + ",\"level\":\"info\",\"message\":\"structured\",\"a\":1}"
      ])
    }))

  it.effect("an Error's cause chain is kept; plain objects become fields; other values join the message", () =>
    Effect.gen(function*() {
      const inner = new Error("inner")
      inner.stack = "Error: inner"
      const outer = new TypeError("outer", { cause: inner })
      outer.stack = "TypeError: outer"
      const second = new RangeError("second")
      const program = Effect.logWarning("retry", 3, outer, { attempt: 2 }, second, null, { user: "u" })
      expect(yield* run("key_value", program)).toEqual([
        "⚠️ WARN [▶️] retry 3 RangeError: second null attempt=2 user=u error=\"TypeError: outer\" cause=\"Error: inner\" stack=\"TypeError: outer\""
      ])
      expect(yield* run("json", program)).toEqual([
        T +
        ",\"level\":\"warning\",\"message\":\"retry 3 RangeError: second null\",\"attempt\":2,\"user\":\"u\",\"error\":" +
        "{\"name\":\"TypeError\",\"message\":\"outer\",\"stack\":\"TypeError: outer\",\"cause\":{\"name\":\"Error\",\"message\":\"inner\",\"stack\":\"Error: inner\"}}}"
      ])
      const [alone] = yield* run("json", Effect.logError(error()))
      expect(JSON.parse(alone!)).toMatchObject({ level: "error", message: "bad", error: { name: "Error" } })
    }))

  it.effect("a tagged error in a Cause keeps its fields: Log.exception(message, cause), Effect.logError(cause)", () =>
    Effect.gen(function*() {
      class PaymentError extends Data.TaggedError("PaymentError")<{ readonly order_id: number }> {}
      const cause = Cause.fail(new PaymentError({ order_id: 7 }))
      const lines = yield* run(
        "key_value",
        Effect.gen(function*() {
          yield* Log.exception("payment failed", cause)
          yield* Effect.logError(cause)
          yield* Effect.logError("payment failed", cause)
        })
      )
      expect(lines).toHaveLength(3)
      for (const line of lines) expect(line, line).toContain("error.order_id=7")
      expect(lines[0]).toContain("cause=\"PaymentError")
    }))
})

describe("the minimum log level, both ways (References.MinimumLogLevel and ours)", () => {
  const all = Effect.gen(function*() {
    yield* Log.debug("log debug")
    yield* Effect.logDebug("effect debug")
    yield* Log.info("log info")
    yield* Log.named("db").info("db info")
    yield* Log.named("auth").debug("auth debug")
    yield* Log.named("auth").trace("auth trace")
  })
  const options = { level: "info", moduleLevels: { db: "error", auth: "debug" } } as const

  it.effect("lowering and raising, for Log.* and Effect.log*; module levels still apply", () =>
    Effect.gen(function*() {
      expect(yield* run("key_value", all, options)).toEqual(["[▶️] log info", "🐞 DEBUG [🔑] auth debug"])
      expect(yield* run("key_value", all.pipe(minimum("Debug")), options)).toEqual([
        "🐞 DEBUG [▶️] log debug",
        "🐞 DEBUG [▶️] effect debug",
        "[▶️] log info",
        "🐞 DEBUG [🔑] auth debug"
      ])
      expect(yield* run("key_value", all.pipe(minimum("Error")), options)).toEqual(["🐞 DEBUG [🔑] auth debug"])
      expect(yield* run("key_value", all.pipe(minimum("Trace")))).toEqual([
        "🐞 DEBUG [▶️] log debug",
        "🐞 DEBUG [▶️] effect debug",
        "[▶️] log info",
        "[🗄️] db info",
        "🐞 DEBUG [🔑] auth debug",
        "👣 TRACE [🔑] auth trace"
      ])
    }))

  it.effect("the level is decided once per record: other loggers see what ours writes", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const collector = Logger.layer(
        [Logger.make(({ message }) => void seen.push(String((message as Array<unknown>)[0])))],
        { mergeWithExisting: true }
      )
      const lines = yield* run(
        "key_value",
        Effect.andThen(all, Log.named("other").debug("other debug")).pipe(Effect.provide(collector)),
        options
      )
      expect(lines).toEqual(["[▶️] log info", "🐞 DEBUG [🔑] auth debug"])
      expect(seen).toEqual(["log info", "auth debug"])
    }))

  it.effect("TestLog and EmojiLogger follow it too", () =>
    Effect.gen(function*() {
      const captured = yield* Effect.andThen(Log.debug("hidden"), Log.debug("shown").pipe(minimum("Debug"))).pipe(
        Effect.andThen(TestLog.lines),
        Effect.provide(TestLog.layer({ level: "info" }))
      )
      expect(captured).toEqual(["🐞 DEBUG [▶️] shown"])
      expect(
        yield* run(
          "key_value",
          Effect.andThen(Effect.logDebug("hidden"), Effect.logDebug("shown").pipe(minimum("Debug"))),
          { level: "info" }
        )
      ).toEqual(["🐞 DEBUG [▶️] shown"])
    }))
})

/** Effect 4's `logger`, its output lines collected (fiber ids blanked: they differ between fibers). */
const collecting = (logger: Logger.Logger<unknown, unknown>) => {
  const lines: Array<string> = []
  const layer = Logger.layer([
    Logger.map(logger, (out) => void lines.push(JSON.stringify(out).replace(/#\d+/g, "#n")))
  ], { mergeWithExisting: true })
  return { lines, layer }
}

describe("other loggers see a Log.* record as Effect.log* with the fields as annotations", () => {
  const ours = Log.named("db").bind({ pool: "main" }).info("connected", { ms: 12 }).pipe(
    Log.withContext({ request_id: "r1" })
  )
  const effects = Effect.logInfo("connected").pipe(
    Effect.annotateLogs({ request_id: "r1", logger_name: "db", pool: "main", ms: 12 })
  )

  it.effect("Logger.formatStructured: the message, the context, logger_name, bound and call fields", () =>
    Effect.gen(function*() {
      const a = collecting(Logger.formatStructured)
      const b = collecting(Logger.formatStructured)
      const lines = yield* run(
        "json",
        Effect.andThen(ours.pipe(Effect.provide(a.layer)), effects.pipe(Effect.provide(b.layer)))
      )
      expect(a.lines).toHaveLength(1)
      expect(a.lines).toEqual(b.lines)
      expect(JSON.parse(a.lines[0]!)).toMatchObject({
        message: "connected",
        level: "INFO",
        annotations: { request_id: "r1", logger_name: "db", pool: "main", ms: 12 }
      })
      expect(lines[0]).toBe(
        T +
          ",\"level\":\"info\",\"message\":\"connected\",\"logger_name\":\"db\",\"request_id\":\"r1\",\"pool\":\"main\",\"ms\":12}"
      )
    }))

  it.effect("Log.exception: the error is the record's cause, as Effect.logError(message, Cause.fail(error)) gives it", () =>
    Effect.gen(function*() {
      const err = error()
      const a = collecting(Logger.formatLogFmt)
      const b = collecting(Logger.formatLogFmt)
      yield* run(
        "json",
        Effect.andThen(
          Log.exception("failed", err, { id: 7 }).pipe(Effect.provide(a.layer)),
          Effect.logError("failed", Cause.fail(err)).pipe(Effect.annotateLogs("id", 7), Effect.provide(b.layer))
        )
      )
      expect(a.lines).toEqual(b.lines)
      expect(a.lines[0]).toContain("message=failed cause=\\\"Error: bad")
    }))

  it.effect("a user's Logger.make and Logger.formatJson beside ours: every secret redacted", () =>
    Effect.gen(function*() {
      const markers = ["hunter2", "fieldPW2", "pgPW3", "boundKEY4", "ctxTOKEN5", "nestedPW6", "errPW8", "spanPW9"]
      const program = Log.named("svc").bind({ api_key: "boundKEY4" }).exception(
        "login password=hunter2",
        new Error("connect failed password=errPW8"),
        { password: "fieldPW2", dsn: "postgres://app:pgPW3@db/app", config: { db: { password: "nestedPW6" } }, n: 7 }
      ).pipe(Log.withContext({ token: "ctxTOKEN5", request_id: "r1" }), Effect.withLogSpan("op password=spanPW9"))
      const user: Array<string> = []
      const userLogger = Logger.make(({ cause, fiber, message }) =>
        user.push(
          JSON.stringify({ message, annotations: fiber.getRef(References.CurrentLogAnnotations) }) + " " +
            Cause.pretty(cause) + " " + JSON.stringify(fiber.getRef(References.CurrentLogSpans).map(([l]) => l))
        )
      )
      const json = collecting(Logger.formatJson)
      const ourLines = yield* run(
        "json",
        program.pipe(
          Effect.provide(Logger.layer([userLogger], { mergeWithExisting: true })),
          Effect.provide(json.layer)
        )
      )
      const all = [...user, ...json.lines]
      const leaked = (lines: ReadonlyArray<string>) => markers.filter((m) => lines.some((l) => l.includes(m)))
      expect(leaked(all), `leaked to other loggers:\n${all.join("\n")}`).toEqual([])
      expect(leaked(ourLines), ourLines.join("\n")).toEqual([])
      expect(user[0]).toContain("\"request_id\":\"r1\"")
      expect(user[0]).toContain("\"n\":7")
      expect(user[0]).toContain("login password=[REDACTED]")
      expect(user[0]).toContain("Error: connect failed password=[REDACTED]")
    }))
})

describe("trace ids and span events inside effect 4's spans", () => {
  const external = (traceId: string, spanId: string) => Tracer.externalSpan({ traceId, spanId, sampled: true })

  it.effect("JSON lines inside Effect.withSpan and Effect.fn carry trace_id and span_id; none outside", () =>
    Effect.gen(function*() {
      const { tracer } = recordingTracer()
      const traced = Effect.fn("traced")(function*() {
        yield* Log.info("in fn")
      })
      const lines = yield* run(
        "json",
        Effect.gen(function*() {
          yield* Log.info("before")
          yield* Effect.gen(function*() {
            yield* Log.named("worker").info("inside", { n: 1 })
            yield* Effect.logWarning("plain inside")
          }).pipe(Effect.withSpan("op"))
          yield* traced()
        }).pipe(Effect.withTracer(tracer))
      )
      const [before, inside, plain, inFn] = lines.map((l) => JSON.parse(l))
      const ids = { trace_id: "0af7651916cd43dd8448eb211c80319c", span_id: "b7ad6b7169203331" }
      expect(before.trace_id).toBeUndefined()
      expect(inside).toMatchObject({ message: "inside", logger_name: "worker", ...ids, n: 1 })
      expect(plain).toMatchObject({ message: "plain inside", ...ids })
      expect(inFn).toMatchObject({ message: "in fn", ...ids })
      expect(Object.keys(inside)).toEqual(["timestamp", "level", "message", "logger_name", "trace_id", "span_id", "n"])
    }))

  it.effect("invalid ids are left out and 64-bit trace ids padded, as the exporter does; the console's short form", () =>
    Effect.gen(function*() {
      const lines = yield* run(
        "json",
        Effect.gen(function*() {
          yield* Log.info("garbage").pipe(Effect.withParentSpan(external("garbage-x-1", "garbage-x-1")))
          yield* Log.info("64").pipe(Effect.withParentSpan(external("a3ce929d0e0e4736", "00f067aa0ba902b7")))
          yield* Log.info("zero span").pipe(
            Effect.withParentSpan(external("0af7651916cd43dd8448eb211c80319c", "0000000000000000"))
          )
        })
      )
      expect(lines.map((l) => JSON.parse(l)).map((r) => [r.message, r.trace_id, r.span_id])).toEqual([
        ["garbage", undefined, undefined],
        ["64", "0000000000000000a3ce929d0e0e4736", "00f067aa0ba902b7"],
        ["zero span", "0af7651916cd43dd8448eb211c80319c", undefined]
      ])
      const span = external("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331")
      const hello = Log.info("hello", { k: 1 }).pipe(Effect.withParentSpan(span))
      expect(yield* run("key_value", hello)).toEqual(["[▶️] hello k=1"])
      expect(yield* run("key_value", hello, { traceIds: true })).toEqual([
        "[▶️] hello k=1 trace=0af76519 span=b7ad6b71"
      ])
      expect((yield* run("json", hello, { traceIds: false }))[0]).not.toContain("trace_id")
    }))

  it.effect("span events are redacted exactly like lines", () =>
    Effect.gen(function*() {
      const { events, tracer } = recordingTracer()
      const lines = yield* run(
        "json",
        Effect.gen(function*() {
          yield* Log.info("login with Bearer abcdefgh12345678", {
            password: "hunter2",
            api_key: "k-1",
            pin: "1234",
            user: "ada",
            nested: { token: "t" }
          })
          yield* Log.exception("failed", Object.assign(new Error("password=hunter2"), { secret: "s" }))
          yield* Effect.logInfo("plain with Bearer abcdefgh12345678").pipe(Effect.annotateLogs({ cookie: "c=1" }))
        }).pipe(Log.withContext({ session: "s-1" }), Effect.withSpan("op"), Effect.withTracer(tracer)),
        { redaction: { keys: ["pin"] } }
      )
      expect(lines.join("\n")).not.toMatch(/hunter2|k-1|1234|abcdefgh12345678|s-1|"t"|c=1/)
      const text = JSON.stringify(events.map((e) => [e.name, e.attributes]))
      expect(text).not.toMatch(/hunter2|k-1|1234|abcdefgh12345678|s-1|"t"|c=1/)
      expect(events.map((e) => e.name)).toEqual([
        "login with Bearer [REDACTED]",
        "failed",
        "plain with Bearer [REDACTED]"
      ])
      expect(events[0]!.attributes).toMatchObject({
        session: "[REDACTED]",
        password: "[REDACTED]",
        api_key: "[REDACTED]",
        pin: "[REDACTED]",
        user: "ada",
        nested: { token: "[REDACTED]" },
        "effect.logLevel": "INFO"
      })
      expect(events[1]!.attributes!.error).toMatchObject({ message: "password=[REDACTED]", secret: "[REDACTED]" })
    }))

  it.effect("span events carry the Clock's time", () =>
    Effect.gen(function*() {
      const { events, tracer } = recordingTracer()
      yield* TestClock.setTime(5)
      yield* run("json", Log.info("at 5").pipe(Effect.withSpan("op"), Effect.withTracer(tracer)))
      expect(events.map((e) => e.time)).toEqual([BigInt(5_000_000)])
    }))
})

describe("levels and formats as options: every spelling, one wording for a bad one", () => {
  const failure = <A, E>(self: Effect.Effect<A, E>) =>
    Effect.map(Effect.exit(self), (exit) => exit._tag === "Failure" ? String(Cause.squash(exit.cause)) : "no failure")
  const accepted = "accepted: TRACE, DEBUG, INFO, WARNING (WARN), ERROR, CRITICAL (FATAL)"
  const bad = "LOUD" as EmojiLogger.LevelInput

  it.effect("any case, warn and fatal are accepted", () =>
    Effect.gen(function*() {
      expect(yield* run("key_value", Log.debug("d"), { level: "DEBUG" })).toEqual(["🐞 DEBUG [▶️] d"])
      expect(yield* run("key_value", Log.error("e"), { level: "Fatal" })).toEqual([])
      expect(yield* run("key_value", Log.warning("w"), { level: "warn" })).toEqual(["⚠️ WARN [▶️] w"])
      expect(yield* run("json", Log.info("x"), { format: "JSON" as never })).toHaveLength(1)
    }))

  it.effect("anything else fails the layer with the option, the value and the accepted values; make throws", () =>
    Effect.gen(function*() {
      expect(yield* failure(run("json", Log.info("x"), { level: bad }))).toContain(
        `level: invalid value "LOUD"; ${accepted}`
      )
      expect(yield* failure(run("json", Log.info("x"), { moduleLevels: { db: bad } }))).toContain(
        `moduleLevels["db"]: invalid value "LOUD"; ${accepted}`
      )
      expect(yield* failure(run("json", Log.info("x"), { format: "xml" as never }))).toContain(
        "format: invalid value \"xml\"; accepted: key_value, json"
      )
      expect(yield* failure(Effect.provide(Log.info("x"), TestLog.layer({ level: bad })))).toContain(
        `level: invalid value "LOUD"; ${accepted}`
      )
      expect(() => EmojiLogger.makeFormatter({ level: bad })).toThrow(`level: invalid value "LOUD"; ${accepted}`)
      expect(() => EmojiLogger.make({ level: bad }, () => {})).toThrow(`level: invalid value "LOUD"`)
      const died = yield* Effect.exit(Effect.scoped(EmojiLogger.install(EmojiLogger.make({}, () => {}), bad)))
      expect(String(died._tag === "Failure" ? Cause.squash(died.cause) : "")).toContain(
        `minimum: invalid value "LOUD"`
      )
    }))
})
