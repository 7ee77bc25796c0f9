/**
 * Retry's waits as properties: sampled policies, and the spread of jittered waits over many draws (`process`
 * project, with the other generated-case suites); the Retry tests proper are in Retry.test.ts.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, FastCheck, Random } from "effect"
import { TestLog } from "effect-foundation"
import { gaps, sequence } from "./retry.js"

describe("Retry delay sequences (TestClock)", () => {
  it.effect("property: every wait is within its bounds and never above maxDelay", () =>
    Effect.gen(function*() {
      const arb = FastCheck.record({
        delay: FastCheck.integer({ min: 0, max: 500 }),
        factor: FastCheck.double({ min: 1, max: 4, noNaN: true }),
        extra: FastCheck.integer({ min: 0, max: 2000 }),
        jitter: FastCheck.constantFrom("none" as const, "full" as const, "decorrelated" as const),
        seed: FastCheck.integer()
      })
      for (const { delay, extra, factor, jitter, seed } of FastCheck.sample(arb, 25)) {
        const maxDelay = delay + extra
        const { times } = yield* sequence({ maxAttempts: 6, delay, backoff: factor, maxDelay, jitter }).pipe(
          Effect.withRandom(Random.make(seed))
        )
        expect(times).toHaveLength(6)
        let previous = delay
        gaps(times).forEach((d, i) => {
          const base = delay * Math.pow(factor, i)
          expect(d).toBeLessThanOrEqual(maxDelay)
          if (jitter === "none") expect(d).toBe(Math.min(Math.round(base), maxDelay))
          if (jitter === "full") expect(d).toBeLessThanOrEqual(Math.round(base))
          if (jitter === "full") expect(d).toBeGreaterThanOrEqual(0)
          if (jitter === "decorrelated") {
            expect(d).toBeGreaterThanOrEqual(delay)
            expect(d).toBeLessThanOrEqual(Math.max(delay, Math.round(previous * 3)))
          }
          previous = d
        })
      }
    }).pipe(Effect.provide(TestLog.layer())))
})

describe("Jitter is drawn under the cap", () => {
  /** Every wait of one long retry sequence (delay 100 ms, cap 1 s), from a seeded Random. */
  const waits = (jitter: "full" | "decorrelated", seed: number) =>
    Effect.map(
      sequence({ maxAttempts: 60, delay: 100, maxDelay: 1000, jitter, logRetries: false }).pipe(
        Effect.withRandom(Random.make(seed))
      ),
      ({ times }) => gaps(times)
    )

  const check = (ds: ReadonlyArray<number>, low: number) => {
    for (const d of ds) {
      expect(d).toBeGreaterThanOrEqual(low)
      expect(d).toBeLessThanOrEqual(1000)
    }
    // no bunching at the cap
    expect(ds.filter((d) => d === 1000).length).toBeLessThanOrEqual(Math.ceil(ds.length * 0.05))
    // spread over the range: every quarter of [low, cap] gets at least 10% of the waits
    const width = (1000 - low) / 4
    for (let q = 0; q < 4; q++) {
      const inQuarter = ds.filter((d) => d >= low + q * width && (q === 3 ? d <= 1000 : d < low + (q + 1) * width))
      expect(inQuarter.length).toBeGreaterThanOrEqual(ds.length * 0.1)
    }
  }

  it.effect("full jitter: random(0, min(cap, delay * 2^n)), spread over [0, cap] once the cap is reached", () =>
    Effect.gen(function*() {
      const all: Array<number> = []
      for (const seed of [1, 2, 3]) for (const w of (yield* waits("full", seed)).slice(4)) all.push(w) // from the 5th wait on, delay * 2^n >= cap
      expect(all.length).toBe(165)
      check(all, 0)
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("full jitter at attempt 7 over 20 seeds: not 19 of 20 at the cap", () =>
    Effect.gen(function*() {
      const seventh: Array<number> = []
      for (let seed = 1; seed <= 20; seed++) {
        const { times } = yield* sequence({
          maxAttempts: 8,
          delay: 100,
          maxDelay: 1000,
          jitter: "full",
          logRetries: false
        }).pipe(
          Effect.withRandom(Random.make(seed))
        )
        seventh.push(gaps(times)[6]!)
      }
      expect(seventh.filter((d) => d === 1000).length).toBeLessThanOrEqual(1)
      expect(Math.min(...seventh)).toBeLessThan(250)
      expect(Math.max(...seventh)).toBeGreaterThan(750)
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("decorrelated jitter: random(delay, min(cap, 3 * previous)), spread over [delay, cap]", () =>
    Effect.gen(function*() {
      const all: Array<number> = []
      for (const seed of [1, 2, 3]) for (const w of (yield* waits("decorrelated", seed)).slice(4)) all.push(w)
      check(all, 100)
    }).pipe(Effect.provide(TestLog.layer())))
})
