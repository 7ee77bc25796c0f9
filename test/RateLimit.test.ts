import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Exit, Layer, TestClock } from "effect"
import { EmojiLogger, Foundation, Log, Telemetry } from "effect-foundation"
import { Formatter } from "../src/internal/format.js"
import { formatOptions, fromFormatter } from "../src/internal/logger.js"
import { makeRateLimiter, rateLimitConfig, type RateLimitOptions } from "../src/internal/rateLimit.js"
import { captureConsole } from "./utils.js"

const withEnv = (env: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

/** `check` results for records at the given times. */
const run = (options: RateLimitOptions, calls: ReadonlyArray<readonly [string | undefined, number]>) => {
  const limiter = makeRateLimiter(options)!
  return calls.map(([name, t]) => limiter.check(name, t))
}

describe("RateLimiter (pure)", () => {
  it("no limits: undefined (the logger skips the check)", () => {
    expect(makeRateLimiter({})).toBeUndefined()
    expect(makeRateLimiter({ perLogger: [] })).toBeUndefined()
    expect(makeRateLimiter({ global: { rate: Number.NaN, capacity: 5 } })).toBeUndefined()
    expect(makeRateLimiter({ global: { rate: 1, capacity: 0.5 } })).toBeUndefined()
    expect(makeRateLimiter({ perLogger: [{ name: "", rate: 1, capacity: 1 }] })).toBeUndefined()
  })

  it("global bucket: a burst of `capacity`, then suppression, then the count when a token is back", () => {
    // capacity 3, 1 token per second
    expect(run({ global: { rate: 1, capacity: 3 } }, [
      [undefined, 0],
      [undefined, 0],
      [undefined, 0], // burst
      [undefined, 10],
      [undefined, 500],
      [undefined, 999], // suppressed x3
      [undefined, 1010], // one token refilled: passes, reports 3
      [undefined, 1020], // suppressed
      [undefined, 2010], // passes, reports 1
      [undefined, 3010] // passes, nothing suppressed in between
    ])).toEqual([0, 0, 0, -1, -1, -1, 3, -1, 1, 0])
  })

  it("refill is capped at capacity and proportional to elapsed time (fractional rates)", () => {
    expect(run({ global: { rate: 0.5, capacity: 2 } }, [
      ["a", 0],
      ["a", 0],
      ["a", 0], // 2 pass, 1 suppressed
      ["a", 60_000],
      ["a", 60_000],
      ["a", 60_000], // a minute later: only capacity (2) again
      ["a", 61_000],
      ["a", 62_000] // half a token, then a whole one
    ])).toEqual([0, 0, -1, 1, 0, -1, -1, 2])
  })

  it("the clock never runs backwards: an earlier record refills nothing", () => {
    expect(run({ global: { rate: 1, capacity: 1 } }, [
      [undefined, 5_000],
      [undefined, 1_000],
      [undefined, 5_500],
      [undefined, 6_000]
    ])).toEqual([0, -1, -1, 2])
  })

  it("per logger: dotted prefixes (auth covers auth and auth.db, not authz); the longest prefix wins; one bucket per entry", () => {
    const limiter = makeRateLimiter({
      perLogger: [{ name: "auth", rate: 1, capacity: 2 }, { name: "auth.db", rate: 1, capacity: 1 }]
    })!
    expect(limiter.check("auth", 0)).toBe(0)
    expect(limiter.check("auth.http", 0)).toBe(0) // shares auth's bucket
    expect(limiter.check("auth", 0)).toBe(-1)
    expect(limiter.check("auth.http.client", 0)).toBe(-1)
    expect(limiter.check("auth.db", 0)).toBe(0) // its own bucket
    expect(limiter.check("auth.db.pool", 0)).toBe(-1) // auth.db's bucket
    for (const name of ["authz", "auth_x", "other", undefined]) expect(limiter.check(name, 0)).toBe(0) // unlimited
    // counts are per logger name
    expect(limiter.check("auth.http.client", 1000)).toBe(1)
    expect(limiter.check("auth.db.pool", 1000)).toBe(1)
  })

  it("global and per logger together: a record must pass both, and takes from neither when either is empty", () => {
    const limiter = makeRateLimiter({
      global: { rate: 1, capacity: 3 },
      perLogger: [{ name: "noisy", rate: 1, capacity: 1 }]
    })!
    expect(limiter.check("noisy", 0)).toBe(0) // global 2 left, noisy 0
    expect(limiter.check("noisy", 0)).toBe(-1) // held by its own bucket ...
    expect(limiter.check("noisy", 0)).toBe(-1)
    expect(limiter.check("quiet", 0)).toBe(0) // ... without draining the global one
    expect(limiter.check("quiet", 0)).toBe(0)
    expect(limiter.check("quiet", 0)).toBe(-1) // global empty
    expect(limiter.check("noisy", 1000)).toBe(2) // both refilled one token
    expect(limiter.check("quiet", 1000)).toBe(-1) // global took by noisy
    expect(limiter.check("quiet", 2000)).toBe(2)
  })

  it("rate 0: capacity records in total", () => {
    expect(run({ global: { rate: 0, capacity: 2 } }, [[undefined, 0], [undefined, 1], [undefined, 1e9]])).toEqual([
      0,
      0,
      -1
    ])
  })
})

/** A logger like Foundation.layer's (formatter + limiter) writing to an array; console format, no name emoji. */
const limited = (rateLimit: RateLimitOptions, options: EmojiLogger.Options = {}) => {
  const lines: Array<string> = []
  const formatter = new Formatter(formatOptions({ loggerNameEmoji: false, level: "trace", ...options }))
  const logger = fromFormatter(formatter, (l: string) => lines.push(l.slice(0, -1)), makeRateLimiter(rateLimit))
  return { lines, layer: Layer.scopedDiscard(EmojiLogger.install(logger, formatter.options.level)) }
}

describe("RateLimiter in the logger (TestClock)", () => {
  it.effect("suppressed records are dropped and summarised once, as a WARN line before the next record", () =>
    Effect.gen(function*() {
      const c = limited({ perLogger: [{ name: "api", rate: 2, capacity: 2 }] })
      yield* Effect.gen(function*() {
        const api = Log.named("api.users")
        for (let i = 1; i <= 5; i++) yield* api.info("hit", { i })
        yield* Log.info("root is not limited")
        yield* TestClock.adjust("499 millis")
        yield* api.info("still limited")
        yield* TestClock.adjust("1 millis")
        yield* api.info("back")
        yield* api.info("again limited")
        yield* TestClock.adjust("10 seconds")
        yield* api.info("later")
      }).pipe(Effect.provide(c.layer))
      expect(c.lines).toEqual([
        "hit i=1",
        "hit i=2",
        "root is not limited",
        "⚠️ WARN 4 records suppressed for api.users suppressed=4 logger=api.users",
        "back",
        "⚠️ WARN 1 records suppressed for api.users suppressed=1 logger=api.users",
        "later"
      ])
    }))

  it.effect("global limit in JSON: the summary names the root logger", () =>
    Effect.gen(function*() {
      const c = limited({ global: { rate: 1, capacity: 1 } }, { format: "json" })
      yield* Effect.gen(function*() {
        yield* Log.info("a")
        yield* Log.info("b")
        yield* Effect.logInfo("c")
        yield* TestClock.adjust("1 second")
        yield* Log.info("d")
      }).pipe(Effect.provide(c.layer))
      expect(c.lines.map((l) => JSON.parse(l))).toEqual([
        { timestamp: "1970-01-01T00:00:00.000Z", level: "info", message: "a" },
        {
          timestamp: "1970-01-01T00:00:01.000Z",
          level: "warning",
          message: "2 records suppressed for root",
          suppressed: 2,
          logger: "root"
        },
        { timestamp: "1970-01-01T00:00:01.000Z", level: "info", message: "d" }
      ])
    }))

  it.effect("records below the level never take a token", () =>
    Effect.gen(function*() {
      const c = limited({ global: { rate: 0, capacity: 1 } }, { level: "info" })
      yield* Effect.gen(function*() {
        for (let i = 0; i < 10; i++) yield* Log.debug("filtered")
        yield* Log.info("kept")
      }).pipe(Effect.provide(c.layer))
      expect(c.lines).toEqual(["kept"])
    }))
})

describe("Rate limit configuration", () => {
  const resolve = (env: Record<string, string>) =>
    Effect.map(Foundation.resolve({}).pipe(withEnv(env)), (o) => o.rateLimit)
  const failure = (env: Record<string, string>) =>
    Effect.map(
      Effect.exit(rateLimitConfig.pipe(withEnv(env))),
      (exit) => (Exit.isFailure(exit) ? String(exit.cause) : "succeeded")
    )

  it.effect("unset: no limit; global rate with and without capacity; per-logger entries", () =>
    Effect.gen(function*() {
      expect(yield* resolve({})).toEqual({})
      expect(yield* resolve({ PROVIDE_LOG_RATE_LIMIT_GLOBAL: "100" })).toEqual({ global: { rate: 100, capacity: 100 } })
      expect(yield* resolve({ PROVIDE_LOG_RATE_LIMIT_GLOBAL: "0.5" })).toEqual({ global: { rate: 0.5, capacity: 1 } })
      expect(yield* resolve({ PROVIDE_LOG_RATE_LIMIT_GLOBAL: " 10 ", PROVIDE_LOG_RATE_LIMIT_GLOBAL_CAPACITY: "50" }))
        .toEqual({ global: { rate: 10, capacity: 50 } })
      expect(yield* resolve({ PROVIDE_LOG_RATE_LIMIT_PER_LOGGER: "auth:10:20, db.pool:0.5:5," })).toEqual({
        perLogger: [{ name: "auth", rate: 10, capacity: 20 }, { name: "db.pool", rate: 0.5, capacity: 5 }]
      })
    }))

  it.effect("bad values fail naming the variable, the value and what is accepted", () =>
    Effect.gen(function*() {
      const cases: Array<[Record<string, string>, string, string, string]> = [
        [
          { PROVIDE_LOG_RATE_LIMIT_GLOBAL: "fast" },
          "PROVIDE_LOG_RATE_LIMIT_GLOBAL",
          "\"fast\"",
          "records per second >= 0"
        ],
        [{ PROVIDE_LOG_RATE_LIMIT_GLOBAL: "-1" }, "PROVIDE_LOG_RATE_LIMIT_GLOBAL", "\"-1\"", "records per second >= 0"],
        [
          { PROVIDE_LOG_RATE_LIMIT_GLOBAL: "10", PROVIDE_LOG_RATE_LIMIT_GLOBAL_CAPACITY: "0" },
          "PROVIDE_LOG_RATE_LIMIT_GLOBAL_CAPACITY",
          "\"0\"",
          ">= 1"
        ],
        [
          { PROVIDE_LOG_RATE_LIMIT_GLOBAL_CAPACITY: "10" },
          "PROVIDE_LOG_RATE_LIMIT_GLOBAL_CAPACITY",
          "\"10\"",
          "only together with PROVIDE_LOG_RATE_LIMIT_GLOBAL"
        ],
        [
          { PROVIDE_LOG_RATE_LIMIT_PER_LOGGER: "auth:10" },
          "PROVIDE_LOG_RATE_LIMIT_PER_LOGGER",
          "\"auth:10\"",
          "name:rate:capacity"
        ],
        [
          { PROVIDE_LOG_RATE_LIMIT_PER_LOGGER: "auth:x:1" },
          "PROVIDE_LOG_RATE_LIMIT_PER_LOGGER",
          "\"auth:x:1\"",
          "name:rate:capacity"
        ],
        [
          { PROVIDE_LOG_RATE_LIMIT_PER_LOGGER: "a b:1:1" },
          "PROVIDE_LOG_RATE_LIMIT_PER_LOGGER",
          "\"a b:1:1\"",
          "name:rate:capacity"
        ],
        [
          { PROVIDE_LOG_RATE_LIMIT_PER_LOGGER: "auth:1:0" },
          "PROVIDE_LOG_RATE_LIMIT_PER_LOGGER",
          "\"auth:1:0\"",
          "capacity >= 1"
        ]
      ]
      for (const [env, name, value, accepted] of cases) {
        const message = yield* failure(env)
        expect(message).toContain(name)
        expect(message).toContain(value)
        expect(message).toContain(accepted)
      }
    }))
})

describe("Rate limiting end to end: Foundation.layer from the environment, console sink, TestClock", () => {
  it.effect("PROVIDE_LOG_RATE_LIMIT_PER_LOGGER and _GLOBAL", () =>
    Effect.gen(function*() {
      const { console: capture, logged } = yield* captureConsole
      const program = Effect.gen(function*() {
        const db = Log.named("db.pool")
        for (let i = 0; i < 4; i++) yield* db.info("query", { i }) // db: 2 pass, 2 suppressed
        for (let i = 0; i < 4; i++) yield* Log.named("web").info("req", { i }) // global 5: 3 left -> 3 pass, 1 suppressed
        yield* TestClock.adjust("1 second") // db +1 token, global +5
        yield* db.info("query", { i: 4 })
        yield* Log.named("web").info("req", { i: 4 })
      })
      yield* Effect.provide(
        program,
        Foundation.layer({
          format: "key_value",
          colors: false,
          loggerNameEmoji: false,
          sink: { target: "console", exitHook: false }
        })
      ).pipe(
        Effect.withConsole(capture),
        withEnv({
          PROVIDE_LOG_RATE_LIMIT_GLOBAL: "5",
          PROVIDE_LOG_RATE_LIMIT_PER_LOGGER: "db:1:2"
        })
      )
      expect(logged).toEqual([
        "query i=0",
        "query i=1",
        "req i=0",
        "req i=1",
        "req i=2",
        "⚠️ WARN 2 records suppressed for db.pool suppressed=2 logger=db.pool",
        "query i=4",
        "⚠️ WARN 1 records suppressed for web suppressed=1 logger=web",
        "req i=4"
      ])
    }))
})

describe("the suppressed count is also written at flush and shutdown", () => {
  it.effect("Telemetry.flush, Telemetry.shutdown and the layer's close write the pending summaries (TestClock)", () =>
    Effect.gen(function*() {
      const { console: capture, logged } = yield* captureConsole
      const program = Effect.gen(function*() {
        for (let i = 0; i < 5; i++) yield* Log.info("a", { i }) // 2 pass, 3 suppressed
        yield* Log.named("db").info("b") // suppressed
        const flushed = yield* Telemetry.flush()
        yield* Effect.sync(() => logged.push(`-- flushed ${flushed.status}`))
        yield* Log.info("c") // still no token: suppressed, summarised at shutdown
        yield* Telemetry.shutdown()
        yield* Effect.sync(() => logged.push("-- shut down"))
        yield* Log.info("d") // after the shutdown: summarised when the layer closes
      })
      yield* Effect.provide(
        program,
        Foundation.layer({
          format: "key_value",
          colors: false,
          loggerNameEmoji: false,
          rateLimit: { global: { rate: 1, capacity: 2 } },
          sink: { target: "console", exitHook: false }
        })
      ).pipe(Effect.withConsole(capture))
      expect(logged).toEqual([
        "a i=0",
        "a i=1",
        "⚠️ WARN 3 records suppressed for root suppressed=3 logger=root",
        "⚠️ WARN 1 records suppressed for db suppressed=1 logger=db",
        "-- flushed flushed",
        "⚠️ WARN 1 records suppressed for root suppressed=1 logger=root",
        "-- shut down",
        "⚠️ WARN 1 records suppressed for root suppressed=1 logger=root"
      ])
    }))
})
