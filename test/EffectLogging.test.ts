/**
 * Foundation as an Effect citizen (issue 10): Effect's own logging entry
 * points render as a user expects, other loggers see Effect's view of `Log.*`
 * records, Effect's level controls work both ways, `Effect.runSync` works,
 * levels are accepted in every spelling.
 */
import * as OtlpLogger from "@effect/opentelemetry/OtlpLogger"
import * as OtlpSerialization from "@effect/opentelemetry/OtlpSerialization"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { describe, expect, it } from "@effect/vitest"
import { Cause, ConfigProvider, Data, Effect, Exit, Layer, Logger, LogLevel } from "effect"
import { EmojiLogger, Foundation, HttpLogging, Log, Telemetry, TestLog } from "effect-foundation"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { captureConsole, defectMessage, localServer } from "./utils.js"

const withEnv = (env: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
const noEnv = withEnv({})

/** Runs `program` with Foundation installed (environment: `env` only), writing to a writer; the lines it wrote. */
const run = <E>(
  format: "key_value" | "json",
  program: Effect.Effect<unknown, E>,
  options: Foundation.Options = {},
  env: Record<string, string> = {}
) =>
  Effect.gen(function*() {
    const out: Array<string> = []
    yield* program.pipe(
      Effect.provide(Foundation.layer({
        format,
        colors: false,
        timestamps: false,
        ...options,
        sink: { target: (chunk) => void out.push(chunk) }
      })),
      withEnv(env)
    )
    return out.join("").split("\n").slice(0, -1)
  })

const T = "{\"timestamp\":\"1970-01-01T00:00:00.000Z\""

const error = () => {
  const err = new Error("bad")
  err.stack = "Error: bad\n    at f (x.ts:1:1)"
  return err
}
const STACK = "\"Error: bad\\n    at f (x.ts:1:1)\""
const ERROR_JSON = "{\"name\":\"Error\",\"message\":\"bad\",\"stack\":" + STACK + "}"

describe("Effect's logging entry points with Foundation installed", () => {
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
    yield* Effect.logInfo("hidden").pipe(Logger.withMinimumLogLevel(LogLevel.Warning))
    yield* Effect.logWarning("shown").pipe(Logger.withMinimumLogLevel(LogLevel.Warning))
    yield* Log.info("structured", { a: 1 })
  }).pipe(Logger.withMinimumLogLevel(LogLevel.Trace))

  it.effect("console (key_value)", () =>
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
        // Effect.annotateLogs keys come in Effect's HashMap order (deterministic)
        "[▶️] annotated req=r1 user=u1",
        "[▶️] spanned op=0ms",
        "⚠️ WARN [▶️] shown",
        "[▶️] structured a=1"
      ])
    }))

  it.effect("JSON", () =>
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

  it.effect("Logger.add and Logger.replace(Logger.defaultLogger, ...) put a logger beside Foundation's", () =>
    Effect.gen(function*() {
      const added: Array<string> = []
      const replaced: Array<string> = []
      const collect = (into: Array<string>) =>
        Logger.make(({ message }) => into.push((message as Array<unknown>).join(" ")))
      const lines = yield* run(
        "key_value",
        Effect.gen(function*() {
          yield* Effect.logInfo("effect")
          yield* Log.info("ours", { k: 1 })
        }).pipe(
          Effect.provide(Logger.add(collect(added))),
          // Foundation removed Effect's default logger, so this adds the logger
          Effect.provide(Logger.replace(Logger.defaultLogger, collect(replaced)))
        )
      )
      expect(lines).toEqual(["[▶️] effect", "[▶️] ours k=1"])
      expect(added).toEqual(["effect", "ours"])
      expect(replaced).toEqual(["effect", "ours"])
    }))
})

// ---------------------------------------------------------------------------
// Item 1: other loggers receive Effect's view of a Log.* record
// ---------------------------------------------------------------------------

/** Effect's `logger`, its output lines collected (fiber ids blanked: they differ between fibers). */
const collecting = (logger: Logger.Logger<unknown, string>) => {
  const lines: Array<string> = []
  return { lines, layer: Logger.add(Logger.map(logger, (line) => void lines.push(line.replace(/#\d+/g, "#n")))) }
}

describe("other loggers see a Log.* record as Effect.log* with the fields as annotations", () => {
  const ours = Log.named("db").bind({ pool: "main" }).info("connected", { ms: 12 }).pipe(
    Log.withContext({ request_id: "r1" })
  )
  const effects = Effect.logInfo("connected").pipe(
    Effect.annotateLogs({ request_id: "r1", logger_name: "db", pool: "main", ms: 12 })
  )

  for (
    const [name, logger] of [["Logger.jsonLogger", Logger.jsonLogger], [
      "Logger.logfmtLogger",
      Logger.logfmtLogger
    ]] as const
  ) {
    it.effect(`${name}: the message, the context, logger_name, bound and call fields`, () =>
      Effect.gen(function*() {
        const a = collecting(logger)
        const b = collecting(logger)
        const lines = yield* run(
          "json",
          Effect.zipRight(ours.pipe(Effect.provide(a.layer)), effects.pipe(Effect.provide(b.layer)))
        )
        expect(a.lines).toHaveLength(1)
        expect(a.lines).toEqual(b.lines)
        expect(a.lines[0]).not.toContain("binding")
        // our own line keeps its fields in the order given
        expect(lines[0]).toBe(
          T +
            ",\"level\":\"info\",\"message\":\"connected\",\"logger_name\":\"db\",\"request_id\":\"r1\",\"pool\":\"main\",\"ms\":12}"
        )
      }))
  }

  it.effect("Logger.jsonLogger: exact output", () =>
    Effect.gen(function*() {
      const a = collecting(Logger.jsonLogger)
      yield* run("json", ours.pipe(Effect.provide(a.layer)))
      const parsed = JSON.parse(a.lines[0]!) as Record<string, unknown>
      expect(parsed.message).toBe("connected")
      expect(parsed.logLevel).toBe("INFO")
      expect(parsed.annotations).toEqual({ request_id: "r1", logger_name: "db", pool: "main", ms: 12 })
    }))

  it.effect("Log.exception: the error is the record's cause, as Effect.logError(message, Cause.fail(error)) gives it", () =>
    Effect.gen(function*() {
      const err = error()
      const a = collecting(Logger.logfmtLogger)
      const b = collecting(Logger.logfmtLogger)
      yield* run(
        "json",
        Effect.zipRight(
          Log.exception("failed", err, { id: 7 }).pipe(Effect.provide(a.layer)),
          Effect.logError("failed", Cause.fail(err)).pipe(Effect.annotateLogs("id", 7), Effect.provide(b.layer))
        )
      )
      expect(a.lines).toEqual(b.lines)
      expect(a.lines[0]).toContain("message=failed cause=\"Error: bad")
    }))

  it.effect("Effect's default logger when Foundation is not installed", () =>
    Effect.gen(function*() {
      const { console, logged } = yield* captureConsole
      // (@effect/vitest removes the default logger: put it back)
      yield* Log.named("db").info("connected", { ms: 12 }).pipe(
        Effect.provide(Logger.add(Logger.defaultLogger)),
        Effect.withConsole(console)
      )
      expect(logged).toHaveLength(1)
      expect(logged[0]).toMatch(
        /^timestamp=\S+ level=INFO fiber=#\d+ message=connected (logger_name=db ms=12|ms=12 logger_name=db)$/
      )
    }))

  it.effect("TestLog still captures logger name, error and fields", () =>
    Effect.gen(function*() {
      const err = error()
      yield* Log.named("db").bind({ pool: "main" }).exception("failed", err, { ms: 12 })
      const [record] = yield* TestLog.records
      expect(record!.loggerName).toBe("db")
      expect(record!.error).toBe(err)
      expect(record!.fields).toEqual({ pool: "main", ms: 12 })
      expect(record!.message).toBe("failed")
      expect((yield* TestLog.lines)[0]).toBe("🔥 ERROR [🗄️] failed pool=main ms=12 error=\"Error: bad\" stack=" + STACK)
    }).pipe(Effect.provide(TestLog.layer())))

  it.live("@effect/opentelemetry's OtlpLogger exports the message as the body and the fields as attributes", () =>
    Effect.gen(function*() {
      const bodies: Array<unknown> = []
      const { url } = yield* localServer((_req, body, res) => {
        bodies.push(JSON.parse(body.toString("utf8")))
        res.writeHead(200, { "content-type": "application/json" })
        res.end("{}")
      })
      const otlp = OtlpLogger.layer({ url: `${url}/v1/logs`, resource: { serviceName: "test" } })
        .pipe(
          Layer.provide(OtlpSerialization.layerJson),
          Layer.provide(FetchHttpClient.layer)
        )
      yield* run("json", ours.pipe(Effect.provide(otlp)))
      expect(bodies).toHaveLength(1)
      const records = (bodies[0] as {
        resourceLogs: Array<
          {
            scopeLogs: Array<
              {
                logRecords: Array<
                  { body: unknown; severityText: string; attributes: Array<{ key: string; value: unknown }> }
                >
              }
            >
          }
        >
      }).resourceLogs[0]!.scopeLogs[0]!.logRecords
      expect(records).toHaveLength(1)
      expect(records[0]!.body).toEqual({ stringValue: "connected" })
      expect(records[0]!.severityText).toBe("INFO")
      const attributes = Object.fromEntries(
        records[0]!.attributes.filter((a) => a.key !== "fiberId").map((a) => [a.key, a.value])
      )
      expect(attributes).toEqual({
        request_id: { stringValue: "r1" },
        logger_name: { stringValue: "db" },
        pool: { stringValue: "main" },
        ms: { intValue: 12 }
      })
    }).pipe(Effect.scoped))
})

// ---------------------------------------------------------------------------
// Item 2: Effect's multi-argument messages
// ---------------------------------------------------------------------------

describe("Effect.log* with several arguments", () => {
  it.effect("Effect.logError(\"Request failed\", err): the Error is the record's error, not part of the message", () =>
    Effect.gen(function*() {
      const program = Effect.logError("Request failed", error())
      expect(yield* run("key_value", program)).toEqual([
        "🔥 ERROR [▶️] Request failed error=\"Error: bad\" stack=" + STACK
      ])
      expect(yield* run("json", program)).toEqual([
        T + ",\"level\":\"error\",\"message\":\"Request failed\",\"error\":" + ERROR_JSON + "}"
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
    }))

  it.effect("an Error alone: its message is the record's message", () =>
    Effect.gen(function*() {
      const [line] = yield* run("json", Effect.logError(error()))
      expect(JSON.parse(line!)).toMatchObject({
        level: "error",
        message: "bad",
        error: { name: "Error", message: "bad" }
      })
    }))

  it.effect("TestLog records and OTLP read the same rule", () =>
    Effect.gen(function*() {
      const err = error()
      yield* Effect.logError("Request failed", err, { status: 500 })
      const [record] = yield* TestLog.records
      expect([record!.message, record!.error, record!.fields]).toEqual(["Request failed", err, { status: 500 }])
    }).pipe(Effect.provide(TestLog.layer())))
})

// ---------------------------------------------------------------------------
// Item 3: Effect's level controls, both ways
// ---------------------------------------------------------------------------

describe("Effect's minimum log level, both ways", () => {
  const all = Effect.gen(function*() {
    yield* Log.debug("log debug")
    yield* Effect.logDebug("effect debug")
    yield* Log.info("log info")
    yield* Log.named("db").info("db info")
    yield* Log.named("auth").debug("auth debug")
    yield* Log.named("auth").trace("auth trace")
  })

  it.effect("Logger.withMinimumLogLevel lowers the level below PROVIDE_LOG_LEVEL", () =>
    Effect.gen(function*() {
      const program = Effect.gen(function*() {
        yield* Log.debug("hidden")
        yield* Effect.logDebug("hidden too")
        yield* Log.debug("shown").pipe(Logger.withMinimumLogLevel(LogLevel.Debug))
        yield* Effect.logDebug("shown too").pipe(Logger.withMinimumLogLevel(LogLevel.Debug))
      })
      expect(yield* run("key_value", program, {}, { PROVIDE_LOG_LEVEL: "INFO" })).toEqual([
        "🐞 DEBUG [▶️] shown",
        "🐞 DEBUG [▶️] shown too"
      ])
    }))

  it.effect("lowering and raising, for Log.* and Effect.log*; module levels still apply", () =>
    Effect.gen(function*() {
      const options = { level: "info", moduleLevels: { db: "error", auth: "debug" } } as const
      expect(yield* run("key_value", all, options)).toEqual([
        "[▶️] log info",
        "🐞 DEBUG [🔑] auth debug"
      ])
      expect(yield* run("key_value", all.pipe(Logger.withMinimumLogLevel(LogLevel.Debug)), options)).toEqual([
        "🐞 DEBUG [▶️] log debug",
        "🐞 DEBUG [▶️] effect debug",
        "[▶️] log info",
        "🐞 DEBUG [🔑] auth debug"
      ])
      expect(yield* run("key_value", all.pipe(Logger.withMinimumLogLevel(LogLevel.Error)), options)).toEqual([
        "🐞 DEBUG [🔑] auth debug"
      ])
    }))

  it.effect("the level is decided once per record: other loggers see what Foundation writes", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const collector = Logger.add(Logger.make(({ message }) => void seen.push(String((message as Array<unknown>)[0]))))
      const lines = yield* run(
        "key_value",
        Effect.zipRight(all, Log.named("other").debug("other debug")).pipe(Effect.provide(collector)),
        {
          level: "info",
          moduleLevels: { db: "error", auth: "debug" }
        }
      )
      expect(lines).toEqual(["[▶️] log info", "🐞 DEBUG [🔑] auth debug"])
      expect(seen).toEqual(["log info", "auth debug"])
    }))

  it.effect("Logger.minimumLogLevel provided inside Foundation", () =>
    Effect.gen(function*() {
      expect(yield* run("key_value", all.pipe(Effect.provide(Logger.minimumLogLevel(LogLevel.Trace))))).toEqual([
        "🐞 DEBUG [▶️] log debug",
        "🐞 DEBUG [▶️] effect debug",
        "[▶️] log info",
        "[🗄️] db info",
        "🐞 DEBUG [🔑] auth debug",
        "👣 TRACE [🔑] auth trace"
      ])
    }))

  it.effect("TestLog and EmojiLogger follow it too", () =>
    Effect.gen(function*() {
      const captured = yield* Effect.zipRight(
        Log.debug("hidden"),
        Log.debug("shown").pipe(Logger.withMinimumLogLevel(LogLevel.Debug))
      ).pipe(
        Effect.zipRight(TestLog.lines),
        Effect.provide(TestLog.layer({ level: "info" }))
      )
      expect(captured).toEqual(["🐞 DEBUG [▶️] shown"])
      const lines: Array<string> = []
      yield* Effect.zipRight(
        Effect.logDebug("hidden"),
        Effect.logDebug("shown").pipe(Logger.withMinimumLogLevel(LogLevel.Debug))
      ).pipe(
        Effect.provide(EmojiLogger.layer({ level: "info" }, (l) => lines.push(l)))
      )
      expect(lines).toEqual(["🐞 DEBUG [▶️] shown\n"])
    }))
})

// ---------------------------------------------------------------------------
// Item 4: Effect.runSync
// ---------------------------------------------------------------------------

describe("Effect.runSync with Foundation's layer", () => {
  it.effect("console target: the lines are written, nothing throws, even after Telemetry.shutdown", () =>
    Effect.gen(function*() {
      const { console, logged } = yield* captureConsole
      const layer = Foundation.layer({ format: "key_value", sink: { target: "console" } })
      const results = yield* Effect.sync(() => [
        Effect.runSync(Log.info("plain").pipe(Effect.provide(layer), noEnv, Effect.withConsole(console))),
        Effect.runSync(
          Log.info("flushed").pipe(
            Effect.zipLeft(Telemetry.flush()),
            Effect.provide(layer),
            noEnv,
            Effect.withConsole(console)
          )
        ),
        Effect.runSync(
          Log.info("shut down").pipe(
            Effect.zipLeft(Telemetry.shutdown()),
            Effect.provide(layer),
            noEnv,
            Effect.withConsole(console)
          )
        )
      ])
      expect(results).toEqual([undefined, undefined, undefined])
      expect(logged).toEqual(["[▶️] plain", "[▶️] flushed", "[▶️] shut down"])
    }))

  it.effect("file target", () =>
    Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ef-runsync-"))
      const file = path.join(dir, "app.log")
      const layer = Foundation.layer({ format: "json", sink: { target: { file } } })
      yield* Effect.sync(() => {
        Effect.runSync(Effect.zipRight(Log.info("one"), Effect.logWarning("two")).pipe(Effect.provide(layer), noEnv))
        Effect.runSync(Log.info("three").pipe(Effect.zipLeft(Telemetry.shutdown()), Effect.provide(layer), noEnv))
      })
      const lines = fs.readFileSync(file, "utf8").split("\n").slice(0, -1).map((l) =>
        (JSON.parse(l) as { message: string }).message
      )
      fs.rmSync(dir, { recursive: true, force: true })
      expect(lines).toEqual(["one", "two", "three"])
    }))
})

// ---------------------------------------------------------------------------
// Item 5: a level option in every spelling
// ---------------------------------------------------------------------------

const failure = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.map(
    Effect.exit(effect),
    (exit) => (Exit.isFailure(exit)
      ? (Cause.isFailType(exit.cause) ? String(exit.cause.error) : "defect: " + Cause.pretty(exit.cause))
      : "succeeded")
  )

describe("level options accept every spelling PROVIDE_LOG_LEVEL accepts", () => {
  it.effect("Foundation.layer({ level }) in any case, warn and fatal", () =>
    Effect.gen(function*() {
      const levels = ["DEBUG", "warn", "WARN", "Warning", "fatal", "FATAL", "Critical", " error "] as const
      const seen: Array<ReadonlyArray<string>> = []
      for (const level of levels) {
        seen.push(
          yield* run("json", Effect.all([Log.debug("d"), Log.warning("w"), Log.error("e"), Log.critical("c")]), {
            level: level as EmojiLogger.LevelInput
          })
        )
      }
      const messages = seen.map((lines) => lines.map((l) => (JSON.parse(l) as { message: string }).message).join(""))
      expect(messages).toEqual(["dwec", "wec", "wec", "wec", "c", "c", "c", "ec"])
    }))

  it.effect("moduleLevels values, TestLog, EmojiLogger and HttpLogging.successLevel", () =>
    Effect.gen(function*() {
      expect(
        yield* run(
          "key_value",
          Effect.zipRight(Log.named("db").debug("db debug"), Log.named("db.pool").info("pool info")),
          {
            moduleLevels: { db: "DEBUG", "db.pool": "Warn" }
          }
        )
      ).toEqual(["🐞 DEBUG [🗄️] db debug"])
      const captured = yield* Effect.zipRight(Log.info("hidden"), Log.warning("kept")).pipe(
        Effect.zipRight(TestLog.lines),
        Effect.provide(TestLog.layer({ level: "WARN" }))
      )
      expect(captured).toEqual(["⚠️ WARN [▶️] kept"])
      const lines: Array<string> = []
      yield* Effect.zipRight(Log.debug("d"), Log.critical("c")).pipe(
        Effect.provide(EmojiLogger.layer({ level: "FATAL" }, (l) => lines.push(l)))
      )
      expect(lines).toEqual(["❌ CRITICAL [▶️] c\n"])
      expect(EmojiLogger.makeFormatter({ level: "Debug" })).toBeTypeOf("function")
      expect(HttpLogging.make({ successLevel: "DEBUG" })).toBeTypeOf("function")
    }))

  it.effect("anything else fails with the option, the value and the accepted spellings", () =>
    Effect.gen(function*() {
      const accepted = "accepted: TRACE, DEBUG, INFO, WARNING (WARN), ERROR, CRITICAL (FATAL)"
      const bad = "LOUD" as EmojiLogger.LevelInput
      expect(yield* failure(run("json", Log.info("x"), { level: bad }))).toContain(
        `level: invalid value "LOUD"; ${accepted}`
      )
      expect(yield* failure(run("json", Log.info("x"), { moduleLevels: { db: bad } }))).toContain(
        `moduleLevels["db"]: invalid value "LOUD"; ${accepted}`
      )
      expect(yield* failure(Effect.provide(Log.info("x"), TestLog.layer({ level: bad })))).toContain(
        `level: invalid value "LOUD"; ${accepted}`
      )
      expect(yield* failure(Effect.provide(Log.info("x"), EmojiLogger.layer({ level: bad }, () => {})))).toContain(
        `level: invalid value "LOUD"`
      )
      expect(yield* failure(Effect.provide(Log.info("x"), Telemetry.otlp({ level: bad })))).toContain(
        `level: invalid value "LOUD"`
      )
      expect(() => EmojiLogger.makeFormatter({ level: bad })).toThrow(`level: invalid value "LOUD"; ${accepted}`)
      // a middleware with a bad option never throws: each request it handles dies with the message
      const app = HttpLogging.make({ successLevel: bad })(Effect.succeed(HttpServerResponse.text("ok")))
      expect(yield* defectMessage(Effect.provideService(app, HttpServerRequest.HttpServerRequest, {} as never))).toBe(
        `HttpLogging option successLevel: invalid value "LOUD"; ${accepted}`
      )
      // the environment variable says the same
      const env = Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["PROVIDE_LOG_LEVEL", "LOUD"]])))
      expect(yield* failure(Foundation.resolve().pipe(env))).toContain(
        `PROVIDE_LOG_LEVEL: invalid value "LOUD"; ${accepted}`
      )
    }))
})

describe("the format option is checked like PROVIDE_LOG_CONSOLE_FORMATTER", () => {
  it.effect("any case of key_value / json is accepted; anything else fails naming the option and the accepted values", () =>
    Effect.gen(function*() {
      const accepted = "accepted: key_value, json"
      const bad = "yaml" as EmojiLogger.Format
      // "JSON" from options writes JSON, as the variable does
      const upper = yield* run("json", Log.info("hello", { n: 1 }), { format: "JSON" as "json" })
      expect(upper).toEqual([T + ",\"level\":\"info\",\"message\":\"hello\",\"n\":1}"])
      const viaEnv = yield* run("json", Log.info("hello"), { format: undefined } as unknown as Foundation.Options, {
        PROVIDE_LOG_CONSOLE_FORMATTER: "JSON"
      })
      expect(viaEnv).toEqual([T + ",\"level\":\"info\",\"message\":\"hello\"}"])
      expect(yield* failure(run("json", Log.info("x"), { format: bad }))).toContain(
        `format: invalid value "yaml"; ${accepted}`
      )
      expect(yield* failure(Effect.provide(Log.info("x"), EmojiLogger.layer({ format: bad }, () => {})))).toContain(
        `format: invalid value "yaml"; ${accepted}`
      )
      expect(yield* failure(Effect.provide(Log.info("x"), TestLog.layer({ format: bad })))).toContain(
        `format: invalid value "yaml"; ${accepted}`
      )
      expect(() => EmojiLogger.makeFormatter({ format: bad })).toThrow(`format: invalid value "yaml"; ${accepted}`)
      const env = Effect.withConfigProvider(
        ConfigProvider.fromMap(new Map([["PROVIDE_LOG_CONSOLE_FORMATTER", "yaml"]]))
      )
      expect(yield* failure(Foundation.resolve().pipe(env))).toContain(
        `PROVIDE_LOG_CONSOLE_FORMATTER: invalid value "yaml"; ${accepted}`
      )
    }))
})

describe("other loggers receive a Log.* record redacted like our lines", () => {
  // one secret marker per place a secret can ride in a Log.* record
  const markers = [
    "hunter2", // message: password=...
    "bearerTOKENabc123XYZ", // message: Bearer token
    "urlPW1", // message: URL password
    "fieldPW2", // call field: password
    "pgPW3", // call field value: URL password
    "boundKEY4", // bound field: api_key
    "ctxTOKEN5", // context: token
    "nestedPW6", // nested object: { db: { password } }
    "namePW7", // logger name: password=...
    "errPW8", // error message: password=...
    "spanPW9" // log span label: password=...
  ]
  const program = Log.named("svc password=namePW7").bind({ api_key: "boundKEY4" }).exception(
    "login password=hunter2 with Bearer bearerTOKENabc123XYZ to https://admin:urlPW1@db.example/x",
    new Error("connect failed password=errPW8"),
    { password: "fieldPW2", dsn: "postgres://app:pgPW3@db/app", config: { db: { password: "nestedPW6" } }, n: 7 }
  ).pipe(Log.withContext({ token: "ctxTOKEN5", request_id: "r1" }), Effect.withLogSpan("op password=spanPW9"))
  const leaked = (lines: ReadonlyArray<string>) => markers.filter((m) => lines.some((l) => l.includes(m)))

  it.effect("a user's Logger.make and Logger.json added beside Foundation", () =>
    Effect.gen(function*() {
      const user: Array<string> = []
      const userLogger = Logger.make(({ annotations, cause, message, spans }) =>
        user.push(
          JSON.stringify({ message, annotations: Object.fromEntries(annotations) }) + " " +
            Cause.pretty(cause) + " " + JSON.stringify(Array.from(spans).map((s) => s.label))
        )
      )
      const json = collecting(Logger.jsonLogger)
      const ours = yield* run(
        "json",
        program.pipe(Effect.provide(Logger.add(userLogger)), Effect.provide(json.layer))
      )
      const all = [...user, ...json.lines]
      expect(
        leaked(all),
        `leaked ${leaked(all).length} of ${markers.length} markers to other loggers:\n${all.join("\n")}`
      )
        .toEqual([])
      expect(leaked(ours), ours.join("\n")).toEqual([])
      // what is not secret stays
      expect(user[0]).toContain("\"request_id\":\"r1\"")
      expect(user[0]).toContain("\"n\":7")
      expect(user[0]).toContain(
        "login password=[REDACTED] with Bearer [REDACTED] to https://admin:[REDACTED]@db.example/x"
      )
      expect(user[0]).toContain("Error: connect failed password=[REDACTED]")
    }))

  it.effect("Log.* without Foundation installed: Effect's default logger gets the default redaction", () =>
    Effect.gen(function*() {
      const { console, logged } = yield* captureConsole
      yield* program.pipe(Effect.provide(Logger.add(Logger.defaultLogger)), Effect.withConsole(console))
      expect(logged).toHaveLength(1)
      expect(leaked(logged), `leaked ${leaked(logged).length} of ${markers.length} markers:\n${logged.join("\n")}`)
        .toEqual([])
      expect(logged[0]).toContain("request_id=r1")
    }))
})

describe("a tagged error in a Cause keeps its fields in the console format", () => {
  class PaymentError extends Data.TaggedError("PaymentError")<{ readonly order_id: number; readonly reason: string }> {}
  const cause = Cause.fail(new PaymentError({ order_id: 7, reason: "declined" }))

  it.effect("Log.exception(message, cause), Effect.logError(cause) and the error passed directly", () =>
    Effect.gen(function*() {
      const lines = yield* run(
        "key_value",
        Effect.gen(function*() {
          yield* Log.exception("payment failed", cause)
          yield* Effect.logError(cause)
          yield* Effect.logError("payment failed", cause)
          yield* Log.exception("payment failed", new PaymentError({ order_id: 7, reason: "declined" }))
        })
      )
      expect(lines).toHaveLength(4)
      for (const line of lines) expect(line, line).toContain("error.order_id=7 error.reason=declined")
      expect(lines[0]).toContain("cause=\"PaymentError")
      // a defect, a parallel cause: each error's fields
      const more = yield* run(
        "key_value",
        Log.exception(
          "both",
          Cause.parallel(cause, Cause.die(new PaymentError({ order_id: 8, reason: "fraud" })))
        )
      )
      expect(more[0]).toContain("error.order_id=7 error.reason=declined")
      expect(more[0]).toContain("error.1.order_id=8 error.1.reason=fraud")
      // sensitive own fields stay hidden
      class LoginError extends Data.TaggedError("LoginError")<{ readonly user: string; readonly password: string }> {}
      const login = yield* run(
        "key_value",
        Effect.logError(Cause.fail(new LoginError({ user: "bob", password: "pw1" })))
      )
      expect(login[0]).toContain("error.user=bob error.password=[REDACTED]")
      expect(login[0]).not.toContain("pw1")
    }))
})
