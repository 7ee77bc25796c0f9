/**
 * The token-bucket rate limiter of the Effect-free core, without Effect: token accounting with explicit record
 * times, the per-logger buckets and how they combine with the global one, the suppressed counts, and the
 * configuration read from the variables' texts.
 */
import { describe, expect, it } from "vitest"
import { makeRateLimiter, parsePerLogger, rateLimitFromEnv, type RateLimitOptions } from "../../src/core/rateLimit.js"

const limiter = (options: RateLimitOptions) => {
  const l = makeRateLimiter(options)
  if (l === undefined) throw new Error("no limiter")
  return l
}

/** The results of `check` for one logger at each time. */
const checks = (l: ReturnType<typeof limiter>, name: string | undefined, times: Array<number>) =>
  times.map((t) => l.check(name, t))

describe("core/rateLimit", () => {
  it("makes no limiter when no valid limit is set", () => {
    expect([
      makeRateLimiter({}),
      makeRateLimiter({ global: { rate: -1, capacity: 5 } }),
      makeRateLimiter({ global: { rate: 1, capacity: 0.5 } }),
      makeRateLimiter({ global: { rate: Infinity, capacity: 5 } }),
      makeRateLimiter({ perLogger: [{ name: "", rate: 1, capacity: 1 }] })
    ]).toEqual([undefined, undefined, undefined, undefined, undefined])
  })

  it("starts full, takes a token per record, refills at rate per second up to capacity", () => {
    const l = limiter({ global: { rate: 2, capacity: 3 } })
    // A full bucket of 3, then nothing; 500 ms refills one token.
    expect(checks(l, undefined, [0, 0, 0, 0, 499])).toEqual([0, 0, 0, -1, -1])
    expect(checks(l, undefined, [500, 500])).toEqual([2, -1])
    // Ten seconds refill no more than the capacity.
    expect(checks(l, undefined, [10_500, 10_500, 10_500, 10_500])).toEqual([1, 0, 0, -1])
  })

  it("refills nothing for a record dated before the last one seen", () => {
    const l = limiter({ global: { rate: 1, capacity: 1 } })
    expect(checks(l, "a", [5000, 1000, 5999])).toEqual([0, -1, -1])
    expect(l.check("a", 6000)).toBe(2)
  })

  it("tolerates float drift in the refill (ten refills of 0.1 make a token)", () => {
    const l = limiter({ global: { rate: 1, capacity: 1 } })
    const times = Array.from({ length: 11 }, (_, i) => i * 100)
    expect(checks(l, undefined, times)).toEqual([0, -1, -1, -1, -1, -1, -1, -1, -1, -1, 9])
  })

  it("counts suppressed records per logger, reports each to its own logger's next passing record", () => {
    const l = limiter({ global: { rate: 1, capacity: 1 } })
    expect([l.check("a", 0), l.check("a", 10), l.check("b", 20), l.check("a", 30)]).toEqual([0, -1, -1, -1])
    expect([l.check("b", 1000), l.check("a", 2000), l.check("a", 3000)]).toEqual([1, 2, 0])
  })

  it("drain takes the pending counts in order of first suppression, the root logger as undefined", () => {
    const l = limiter({ global: { rate: 0, capacity: 1 } })
    expect(checks(l, "x", [0, 1])).toEqual([0, -1])
    l.check(undefined, 2)
    l.check("x", 3)
    l.check("y", 4)
    expect(l.drain()).toEqual([["x", 2], [undefined, 1], ["y", 1]])
    expect(l.drain()).toEqual([])
  })

  it("a per-logger bucket covers the name and its dotted children, the longest name winning", () => {
    const l = limiter({
      perLogger: [{ name: "auth", rate: 0, capacity: 1 }, { name: "auth.db", rate: 0, capacity: 2 }]
    })
    expect(checks(l, "auth.x", [0, 0])).toEqual([0, -1]) // auth's bucket
    expect(checks(l, "auth", [0])).toEqual([-1]) // the same bucket
    expect(checks(l, "auth.db.pool", [0, 0, 0])).toEqual([0, 0, -1]) // auth.db's own
    expect(checks(l, "authz", [0, 0, 0])).toEqual([0, 0, 0]) // not a child: no limit
    expect(checks(l, undefined, [0])).toEqual([0])
  })

  it("with both, a record takes from each, and from neither when either is empty", () => {
    const l = limiter({ global: { rate: 0, capacity: 3 }, perLogger: [{ name: "noisy", rate: 0, capacity: 1 }] })
    // noisy's own limit holds back its second and third records without draining the global budget.
    expect(checks(l, "noisy", [0, 0, 0])).toEqual([0, -1, -1])
    expect(checks(l, "other", [0, 0, 0])).toEqual([0, 0, -1])
    expect(l.drain()).toEqual([["noisy", 2], ["other", 1]])
  })

  it("keeps counts for at most 10,000 names at a time", () => {
    const l = limiter({ global: { rate: 0, capacity: 1 } })
    l.check("first", 0)
    for (let i = 0; i < 10_001; i++) l.check(`n${i}`, 0)
    l.check("n0", 0)
    const drained = l.drain()
    expect([drained.length, drained[0], drained.at(-1)]).toEqual([10_000, ["n0", 2], ["n9999", 1]])
  })

  it("parses the per-logger text, rejecting any bad entry", () => {
    expect(parsePerLogger(" auth:10:20, ,db.pool:0.5:1,")).toEqual([
      { name: "auth", rate: 10, capacity: 20 },
      { name: "db.pool", rate: 0.5, capacity: 1 }
    ])
    expect(["auth:10", "a b:1:1", "auth:-1:2", "auth:1:0.5", "auth:1e3:2", ":1:1", "a:1:1:1"].map(parsePerLogger))
      .toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined])
  })

  it("reads the variables: a capacity defaulting to the rate (at least 1), blanks unset, errors in the one wording", () => {
    const env = (vars: Record<string, string>) => rateLimitFromEnv((name) => vars[name])
    expect(env({})).toEqual({})
    expect(env({ PROVIDE_LOG_RATE_LIMIT_GLOBAL: "100", PROVIDE_LOG_RATE_LIMIT_PER_LOGGER: " " })).toEqual({
      global: { rate: 100, capacity: 100 }
    })
    expect(env({ PROVIDE_LOG_RATE_LIMIT_GLOBAL: "0.5" })).toEqual({ global: { rate: 0.5, capacity: 1 } })
    expect(env({ PROVIDE_LOG_RATE_LIMIT_GLOBAL: "5", PROVIDE_LOG_RATE_LIMIT_GLOBAL_CAPACITY: "20" })).toEqual({
      global: { rate: 5, capacity: 20 }
    })
    expect(env({ PROVIDE_LOG_RATE_LIMIT_PER_LOGGER: "auth:1:2" })).toEqual({
      perLogger: [{ name: "auth", rate: 1, capacity: 2 }]
    })
    expect(env({ PROVIDE_LOG_RATE_LIMIT_GLOBAL: "fast" })).toEqual({
      name: "PROVIDE_LOG_RATE_LIMIT_GLOBAL",
      message: "PROVIDE_LOG_RATE_LIMIT_GLOBAL: invalid value \"fast\"; accepted: a number of records per second >= 0 " +
        "(e.g. 100 or 0.5)"
    })
    expect(env({ PROVIDE_LOG_RATE_LIMIT_GLOBAL_CAPACITY: "200" })).toEqual({
      name: "PROVIDE_LOG_RATE_LIMIT_GLOBAL_CAPACITY",
      message: "PROVIDE_LOG_RATE_LIMIT_GLOBAL_CAPACITY: invalid value \"200\"; accepted: only together with " +
        "PROVIDE_LOG_RATE_LIMIT_GLOBAL (set PROVIDE_LOG_RATE_LIMIT_GLOBAL too, or unset " +
        "PROVIDE_LOG_RATE_LIMIT_GLOBAL_CAPACITY)"
    })
    expect(env({ PROVIDE_LOG_RATE_LIMIT_PER_LOGGER: "auth:1" })).toMatchObject({
      name: "PROVIDE_LOG_RATE_LIMIT_PER_LOGGER",
      message: expect.stringMatching(/^PROVIDE_LOG_RATE_LIMIT_PER_LOGGER: invalid value "auth:1"; accepted: /)
    })
  })
})
