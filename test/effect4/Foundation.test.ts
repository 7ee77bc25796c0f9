/**
 * The Effect 4 binding's Foundation: the root's cases (test/Foundation.test.ts), ported to effect 4.
 */
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { describe, expect } from "vitest"
import * as Foundation from "../../src/effect4/Foundation.js"
import * as Log from "../../src/effect4/Log.js"
import { itEffect } from "./harness.js"

const withEnv = (env: Record<string, string>) => <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.provideService(self, ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env }))

/** The options resolved from `env` (and `options`), or the failure message. */
const resolve = (env: Record<string, string>, options: Foundation.Options = {}) =>
  Foundation.resolve(options).pipe(withEnv(env))

const failure = (env: Record<string, string>) =>
  Effect.map(
    Effect.exit(resolve(env)),
    (exit) => (Exit.isFailure(exit)
      ? String(
        Exit.findErrorOption(exit).pipe((o) => o._tag === "Some" ? o.value.message : exit.cause)
      )
      : "succeeded")
  )

describe("Foundation configuration", () => {
  itEffect(
    "defaults: INFO, json when stdout is not a terminal, no console timestamps, emoji on",
    () =>
      Effect.gen(function*() {
        const r = yield* resolve({})
        expect(r.level).toBe("info")
        expect(r.format).toBe(process.stdout.isTTY ? "key_value" : "json")
        expect(r.timestamps).toBe(false)
        expect(r.loggerNameEmoji).toBe(true)
        expect(r.dasEmoji).toBe(true)
        expect(r.moduleLevels).toEqual({})
        expect(r.serviceName).toBeUndefined()
      })
  )

  itEffect("PROVIDE_LOG_LEVEL: every name, case-insensitive, with aliases", () =>
    Effect.gen(function*() {
      const cases: Array<[string, string]> = [
        ["TRACE", "trace"],
        ["debug", "debug"],
        ["Info", "info"],
        ["WARNING", "warning"],
        ["warn", "warning"],
        ["ERROR", "error"],
        ["CRITICAL", "critical"],
        ["fatal", "critical"],
        [" error ", "error"]
      ]
      for (const [raw, level] of cases) expect((yield* resolve({ PROVIDE_LOG_LEVEL: raw })).level).toBe(level)
      const message = yield* failure({ PROVIDE_LOG_LEVEL: "LOUD" })
      expect(message).toContain("PROVIDE_LOG_LEVEL")
      expect(message).toContain("\"LOUD\"")
      expect(message).toContain("TRACE, DEBUG, INFO, WARNING (WARN), ERROR, CRITICAL (FATAL)")
    }))

  itEffect("PROVIDE_LOG_CONSOLE_FORMATTER: key_value | json", () =>
    Effect.gen(function*() {
      expect((yield* resolve({ PROVIDE_LOG_CONSOLE_FORMATTER: "key_value" })).format).toBe("key_value")
      expect((yield* resolve({ PROVIDE_LOG_CONSOLE_FORMATTER: "JSON" })).format).toBe("json")
      const message = yield* failure({ PROVIDE_LOG_CONSOLE_FORMATTER: "xml" })
      expect(message).toContain("PROVIDE_LOG_CONSOLE_FORMATTER")
      expect(message).toContain("\"xml\"")
      expect(message).toContain("key_value, json")
    }))

  itEffect("booleans accept true/false/1/0/yes/no/on/off and reject anything else", () =>
    Effect.gen(function*() {
      const truthy = ["true", "1", "yes", "on", "TRUE", "On"]
      const falsy = ["false", "0", "no", "off", "No"]
      for (const v of truthy) {
        expect((yield* resolve({ PROVIDE_LOG_OMIT_TIMESTAMP: v })).timestamps).toBe(false)
        expect((yield* resolve({ PROVIDE_LOG_LOGGER_NAME_EMOJI_ENABLED: v })).loggerNameEmoji).toBe(true)
        expect((yield* resolve({ PROVIDE_LOG_DAS_EMOJI_ENABLED: v })).dasEmoji).toBe(true)
      }
      for (const v of falsy) {
        expect((yield* resolve({ PROVIDE_LOG_OMIT_TIMESTAMP: v })).timestamps).toBe(true)
        expect((yield* resolve({ PROVIDE_LOG_LOGGER_NAME_EMOJI_ENABLED: v })).loggerNameEmoji).toBe(false)
        expect((yield* resolve({ PROVIDE_LOG_DAS_EMOJI_ENABLED: v })).dasEmoji).toBe(false)
      }
      for (
        const name of [
          "PROVIDE_LOG_OMIT_TIMESTAMP",
          "PROVIDE_LOG_LOGGER_NAME_EMOJI_ENABLED",
          "PROVIDE_LOG_DAS_EMOJI_ENABLED"
        ]
      ) {
        const message = yield* failure({ [name]: "maybe" })
        expect(message).toContain(name)
        expect(message).toContain("\"maybe\"")
        expect(message).toContain("true, false, 1, 0, yes, no, on, off")
      }
    }))

  itEffect("PROVIDE_LOG_MODULE_LEVELS: name:LEVEL pairs", () =>
    Effect.gen(function*() {
      const r = yield* resolve({ PROVIDE_LOG_MODULE_LEVELS: "auth:DEBUG, db.pool:error,,http:warn" })
      expect(r.moduleLevels).toEqual({ auth: "debug", "db.pool": "error", http: "warning" })
      for (const bad of ["auth", "auth:LOUD", ":DEBUG", "auth:DEBUG,db"]) {
        const message = yield* failure({ PROVIDE_LOG_MODULE_LEVELS: bad })
        expect(message).toContain("PROVIDE_LOG_MODULE_LEVELS")
        expect(message).toContain(JSON.stringify(bad))
        expect(message).toContain("name:LEVEL")
      }
    }))

  itEffect("PROVIDE_SERVICE_NAME adds service_name", () =>
    Effect.gen(function*() {
      expect((yield* resolve({ PROVIDE_SERVICE_NAME: "billing" })).serviceName).toBe("billing")
    }))

  itEffect("options override the environment, even an invalid one", () =>
    Effect.gen(function*() {
      const r = yield* resolve(
        { PROVIDE_LOG_LEVEL: "LOUD", PROVIDE_LOG_CONSOLE_FORMATTER: "json", PROVIDE_SERVICE_NAME: "env" },
        { level: "debug", format: "key_value", serviceName: "opt" }
      )
      expect([r.level, r.format, r.serviceName]).toEqual(["debug", "key_value", "opt"])
    }))

  itEffect("colours: NO_COLOR turns them off, FORCE_COLOR on, never for JSON", () =>
    Effect.gen(function*() {
      expect((yield* resolve({ PROVIDE_LOG_CONSOLE_FORMATTER: "key_value", FORCE_COLOR: "1" })).colors).toBe(true)
      expect((yield* resolve({ PROVIDE_LOG_CONSOLE_FORMATTER: "key_value", FORCE_COLOR: "0" })).colors).toBe(false)
      expect((yield* resolve({ PROVIDE_LOG_CONSOLE_FORMATTER: "key_value", FORCE_COLOR: "1", NO_COLOR: "1" })).colors)
        .toBe(false)
      expect((yield* resolve({ PROVIDE_LOG_CONSOLE_FORMATTER: "json", FORCE_COLOR: "1" })).colors).toBe(false)
    }))

  itEffect("an invalid value fails the layer at start", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Layer.build(Foundation.layer())).pipe(
        Effect.scoped,
        withEnv({ PROVIDE_LOG_LEVEL: "verbose" })
      )
      expect(Exit.isFailure(exit)).toBe(true)
      const error = Exit.findErrorOption(exit)
      expect(error._tag === "Some" ? error.value.message : String(exit)).toContain(
        "PROVIDE_LOG_LEVEL: invalid value \"verbose\""
      )
    }))
})

describe("Foundation layer", () => {
  class Db extends Context.Service<Db, { readonly query: Effect.Effect<number> }>()("Db") {}
  const DbLive = Layer.effect(
    Db,
    Effect.acquireRelease(
      Effect.as(Log.named("db").info("Database pool starting", { size: 2 }), { query: Effect.succeed(7) }),
      () => Log.named("db").info("Database pool stopped")
    )
  )

  itEffect(
    "AppLive.pipe(Layer.provide(FoundationLive)) keeps the app layer's startup and shutdown lines",
    () =>
      Effect.gen(function*() {
        const chunks: Array<string> = []
        const FoundationTest = Foundation.layer({
          format: "key_value",
          sink: {
            target: (chunk: string) => {
              chunks.push(chunk)
            }
          }
        })
        const MainLive = DbLive.pipe(Layer.provideMerge(FoundationTest))
        const rows = yield* Effect.gen(function*() {
          const db = yield* Db
          const n = yield* db.query
          yield* Log.info("Query done", { rows: n })
          yield* Effect.logWarning("plain Effect.log line")
          return n
        }).pipe(Effect.provide(MainLive))
        expect(rows).toBe(7)
        expect(chunks.join("").split("\n").filter((l) => l !== "")).toEqual([
          "[🗄️] Database pool starting size=2",
          "[▶️] Query done rows=7",
          "⚠️ WARN [▶️] plain Effect.log line",
          "[🗄️] Database pool stopped"
        ])
      })
  )

  itEffect(
    "JSON output through the layer, with service name and module levels from options",
    () =>
      Effect.gen(function*() {
        const chunks: Array<string> = []
        yield* Effect.gen(function*() {
          yield* Log.named("auth.db").debug("kept")
          yield* Log.named("authz").debug("dropped")
          yield* Log.info("root")
        }).pipe(Effect.provide(Foundation.layer({
          format: "json",
          serviceName: "billing",
          moduleLevels: { auth: "debug" },
          sink: {
            target: (chunk: string) => {
              chunks.push(chunk)
            }
          }
        })))
        const records = chunks.join("").trim().split("\n").map((l) => JSON.parse(l))
        expect(records.map((r) => [r.message, r.logger_name, r.service_name, r.level])).toEqual([
          ["kept", "auth.db", "billing", "debug"],
          ["root", undefined, "billing", "info"]
        ])
      })
  )
})

describe("Foundation on a runtime that refuses to let the environment be read", () => {
  // Deno without --allow-env throws NotCapable on every read of process.env: the variables count as unset.
  const refusing = new Proxy({}, {
    get: () => {
      throw Object.assign(new Error("Requires env access, run again with the --allow-env flag"), { name: "NotCapable" })
    },
    has: () => {
      throw Object.assign(new Error("Requires env access, run again with the --allow-env flag"), { name: "NotCapable" })
    },
    ownKeys: () => {
      throw Object.assign(new Error("Requires env access, run again with the --allow-env flag"), { name: "NotCapable" })
    }
  })
  const withRefusedEnv = <A, E, R>(self: Effect.Effect<A, E, R>) =>
    Effect.acquireUseRelease(
      Effect.sync(() => {
        const env = process.env
        process.env = refusing as NodeJS.ProcessEnv
        return env
      }),
      () => self,
      (env) => Effect.sync(() => void (process.env = env))
    )

  itEffect("the layer builds with the defaults and logs", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const r = yield* withRefusedEnv(Effect.gen(function*() {
        const resolved = yield* Foundation.resolve({})
        yield* Log.info("hello", { n: 1 }).pipe(
          Effect.provide(Foundation.layer({ sink: { target: (c) => void lines.push(c) } }))
        )
        return resolved
      }))
      expect(r.level).toBe("info")
      expect(r.sink).toEqual({})
      expect(lines.join("")).toContain("\"message\":\"hello\",\"n\":1")
    }))
})
