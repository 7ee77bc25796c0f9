/**
 * A level and a format per output (issue 22 items 2 and 3): several outputs
 * from one layer, two layers side by side or nested, the console-plus-file
 * environment variables, and a format of the user's own.
 */
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Logger, LogLevel } from "effect"
import { type EmojiLogger, Foundation, Log } from "effect-foundation"

const withEnv = (env: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

/** A capturing target: the chunks written, and the lines they make. */
const capture = () => {
  const chunks: Array<string> = []
  return {
    target: (chunk: string) => void chunks.push(chunk),
    lines: () => chunks.join("").split("\n").slice(0, -1)
  }
}

const messages = (lines: ReadonlyArray<string>) => lines.map((l) => (JSON.parse(l) as { message: string }).message)

const program = Effect.gen(function*() {
  yield* Log.trace("log trace")
  yield* Log.debug("log debug")
  yield* Effect.logDebug("effect debug")
  yield* Log.info("log info")
  yield* Effect.logWarning("effect warning")
})

const consoleWants = ["[▶️] log info", "⚠️ WARN [▶️] effect warning"]
const fileWants = ["log debug", "effect debug", "log info", "effect warning"]

const base = { colors: false, timestamps: false } as const

describe("a level and a format per output", () => {
  it.effect("one layer, two outputs: console at INFO gets no DEBUG, the JSON output at DEBUG gets them", () =>
    Effect.gen(function*() {
      const console = capture()
      const file = capture()
      yield* program.pipe(
        Effect.provide(Foundation.layer({
          ...base,
          outputs: [
            { level: "info", format: "key_value", sink: { target: console.target } },
            { level: "debug", format: "json", sink: { target: file.target } }
          ]
        })),
        withEnv({})
      )
      expect(console.lines()).toEqual(consoleWants)
      expect(messages(file.lines())).toEqual(fileWants)
    }))

  it.effect("two layers merged: each keeps its level and format (the issue's composition)", () =>
    Effect.gen(function*() {
      for (const order of ["console first", "file first"] as const) {
        const console = capture()
        const file = capture()
        const a = Foundation.layer({ ...base, level: "info", format: "key_value", sink: { target: console.target } })
        const b = Foundation.layer({ ...base, level: "debug", format: "json", sink: { target: file.target } })
        yield* program.pipe(
          Effect.provide(order === "console first" ? Layer.merge(a, b) : Layer.merge(b, a)),
          withEnv({})
        )
        expect(console.lines(), order).toEqual(consoleWants)
        expect(messages(file.lines()), order).toEqual(fileWants)
      }
    }))

  it.effect("two layers nested either way: each keeps its level", () =>
    Effect.gen(function*() {
      for (const order of ["console outside", "file outside"] as const) {
        const console = capture()
        const file = capture()
        const a = Foundation.layer({ ...base, level: "info", format: "key_value", sink: { target: console.target } })
        const b = Foundation.layer({ ...base, level: "debug", format: "json", sink: { target: file.target } })
        const inner = order === "console outside" ? b : a
        const outer = order === "console outside" ? a : b
        yield* program.pipe(Effect.provide(inner), Effect.provide(outer), withEnv({}))
        expect(console.lines(), order).toEqual(consoleWants)
        expect(messages(file.lines()), order).toEqual(fileWants)
      }
    }))

  it.effect("Logger.withMinimumLogLevel: an output without its own level follows it; one with its own keeps it", () =>
    Effect.gen(function*() {
      const console = capture()
      const file = capture()
      yield* program.pipe(
        Logger.withMinimumLogLevel(LogLevel.Trace),
        Effect.provide(Foundation.layer({
          ...base,
          level: "info",
          outputs: [
            { format: "key_value", sink: { target: console.target } },
            { level: "debug", format: "json", sink: { target: file.target } }
          ]
        })),
        withEnv({})
      )
      expect(console.lines()).toEqual([
        "👣 TRACE [▶️] log trace",
        "🐞 DEBUG [▶️] log debug",
        "🐞 DEBUG [▶️] effect debug",
        ...consoleWants
      ])
      expect(messages(file.lines())).toEqual(fileWants)
    }))

  it.effect("a record below every output's level reaches no output and is not rendered", () =>
    Effect.gen(function*() {
      const console = capture()
      const file = capture()
      let rendered = 0
      const spy = { toString: () => (rendered++, "spy") }
      yield* Log.trace("hidden", { spy }).pipe(
        Effect.provide(Foundation.layer({
          ...base,
          outputs: [
            { level: "info", format: "key_value", sink: { target: console.target } },
            { level: "debug", format: "json", sink: { target: file.target } }
          ]
        })),
        withEnv({})
      )
      expect([console.lines(), file.lines(), rendered]).toEqual([[], [], 0])
    }))

  it.effect("an empty outputs list fails the layer with a message", () =>
    Effect.gen(function*() {
      const error = yield* Log.info("x").pipe(
        Effect.provide(Foundation.layer({ outputs: [] })),
        withEnv({}),
        Effect.flip
      )
      expect(String(error)).toContain("outputs: empty; give at least one output")
    }))
})

describe("console plus file from the environment (the child processes are in OutputsProcess.test.ts)", () => {
  it.effect("PROVIDE_LOG_FILE_LEVEL without PROVIDE_LOG_FILE fails, naming both", () =>
    Effect.gen(function*() {
      const error = yield* Log.info("x").pipe(
        Effect.provide(Foundation.layer()),
        withEnv({ PROVIDE_LOG_FILE_LEVEL: "debug" }),
        Effect.flip
      )
      expect(String(error)).toContain("PROVIDE_LOG_FILE_LEVEL is set but PROVIDE_LOG_FILE is not")
    }))

  it.effect("a bad PROVIDE_LOG_FILE_LEVEL fails with the accepted values", () =>
    Effect.gen(function*() {
      const error = yield* Log.info("x").pipe(
        Effect.provide(Foundation.layer()),
        withEnv({ PROVIDE_LOG_FILE: "/nonexistent/x.log", PROVIDE_LOG_FILE_LEVEL: "LOUD" }),
        Effect.flip
      )
      expect(String(error)).toContain("PROVIDE_LOG_FILE_LEVEL: invalid value \"LOUD\"")
    }))
})

describe("a format of the user's own", () => {
  it.effect("receives the record as plain, redacted data; its line is written, with a newline added", () =>
    Effect.gen(function*() {
      const out = capture()
      const seen: Array<EmojiLogger.RecordView> = []
      const err = new Error("bad password=hunter2")
      err.stack = "Error: bad password=hunter2\n    at f (x.ts:1:1)"
      yield* Effect.gen(function*() {
        yield* Log.named("auth").bind({ token: "tok-secret" }).exception("login failed", err, {
          password: "hunter2",
          user: "bob",
          level: "forged"
        })
        yield* Effect.logInfo("plain").pipe(Effect.annotateLogs({ api_key: "k-secret" }))
      }).pipe(
        Effect.provide(Foundation.layer({
          formatter: (record) => {
            seen.push(record)
            return `${record.level}|${record.loggerName ?? "-"}|${record.message}|${JSON.stringify(record.fields)}`
          },
          sink: { target: out.target }
        })),
        withEnv({})
      )
      expect(out.lines()).toEqual([
        "error|auth|login failed|{\"token\":\"[REDACTED]\",\"password\":\"[REDACTED]\",\"user\":\"bob\",\"level\":\"forged\"}",
        "info|-|plain|{\"api_key\":\"[REDACTED]\"}"
      ])
      expect(seen[0]!.error).toEqual({
        name: "Error",
        message: "bad password=[REDACTED]",
        stack: "Error: bad password=[REDACTED]\n    at f (x.ts:1:1)"
      })
      expect(typeof seen[0]!.timestamp).toBe("string")
      // a secret never reaches the function
      const all = JSON.stringify(seen)
      expect([all.includes("hunter2"), all.includes("tok-secret"), all.includes("k-secret")]).toEqual([
        false,
        false,
        false
      ])
    }))

  it.effect("one output in the user's format beside a console output, each at its level", () =>
    Effect.gen(function*() {
      const console = capture()
      const custom = capture()
      yield* program.pipe(
        Effect.provide(Foundation.layer({
          ...base,
          outputs: [
            { level: "info", format: "key_value", sink: { target: console.target } },
            {
              level: "debug",
              formatter: (r) => `${r.level.toUpperCase()} ${r.message}\n`,
              sink: { target: custom.target }
            }
          ]
        })),
        withEnv({})
      )
      expect(console.lines()).toEqual(consoleWants)
      expect(custom.lines()).toEqual([
        "DEBUG log debug",
        "DEBUG effect debug",
        "INFO log info",
        "WARNING effect warning"
      ])
    }))

  it.effect("a function that throws or returns no string costs its record nothing: a last-resort line says why", () =>
    Effect.gen(function*() {
      const out = capture()
      yield* Effect.zipRight(Log.info("first"), Log.info("second")).pipe(
        Effect.provide(Foundation.layer({
          formatter: (r): string => {
            if (r.message === "first") throw new Error("no luck")
            return 42 as unknown as string
          },
          sink: { target: out.target }
        })),
        withEnv({})
      )
      const lines = out.lines().map((l) => JSON.parse(l) as Record<string, unknown>)
      expect(lines.map((l) => [l["level"], l["message"]])).toEqual([["info", "first"], ["info", "second"]])
      expect(JSON.stringify(lines)).toContain("formatter threw: no luck")
      expect(JSON.stringify(lines)).toContain("formatter returned number")
    }))
})
