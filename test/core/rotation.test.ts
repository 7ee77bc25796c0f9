/**
 * Rotation's naming and timing without Effect or a file system.
 */
import { describe, expect, it } from "vitest"
import {
  boundaryAfter,
  firstDue,
  MAX_SLEEP,
  MAX_TIME,
  nextKey,
  periodEndAt,
  rotatedPattern,
  sleepBefore,
  stampOf,
  timeOf
} from "../../src/core/rotation.js"

const day = 86_400_000
const t = Date.UTC(2026, 10, 30, 12, 34, 56, 789)

describe("core rotation (no Effect)", () => {
  it("names: a stamp and its time agree, clamped to Date's range; the pattern finds rotated, gzipped and temporary names", () => {
    expect(stampOf(t)).toBe("2026-11-30T12-34-56.789")
    expect(timeOf(stampOf(t))).toBe(t)
    expect(stampOf(MAX_TIME + 5)).toBe("9999-12-31T23-59-59.999")
    const p = rotatedPattern("app", ".log")
    expect(p.exec("app.2026-11-30T12-34-56.789.log")?.[1]).toBe("2026-11-30T12-34-56.789")
    expect(p.exec("app.2026-11-30T12-34-56.789.log.gz")?.[2]).toBe(".gz")
    expect(p.exec("app.2026-11-30T12-34-56.789.log.gz.0123456789abcdef.tmp")?.[3]).toBe("0123456789abcdef")
    expect(p.exec("app.log")).toBe(null)
    expect(rotatedPattern("a.b+", ".log").test("a.b+.2026-11-30T12-34-56.789.log")).toBe(true)
    expect(rotatedPattern("a.b+", ".log").test("axb+.2026-11-30T12-34-56.789.log")).toBe(false)
  })

  it("the next name's key: after the last one, else the first free one; none past the end of time", () => {
    expect(nextKey(100, 40, undefined)).toBe(100)
    expect(nextKey(100, 200, undefined)).toBe(201)
    expect(nextKey(100, 200, new Set([201, 202]))).toBe(203)
    // a foreign file at the end of time: from `at` on
    expect(nextKey(100, MAX_TIME, new Set([MAX_TIME]))).toBe(100)
    expect(nextKey(MAX_TIME, MAX_TIME, new Set([MAX_TIME]))).toBe(0)
  })

  it("periods: the first due time, the next boundary, a clock gone back starts a period again; the fiber's sleeps", () => {
    const midnight = Date.UTC(2026, 11, 1)
    expect(boundaryAfter(t, day)).toBe(midnight)
    expect(firstDue(t, day, 10, t - day)).toBe(t) // written yesterday: at once
    expect(firstDue(t, day, 0, t - day)).toBe(midnight) // empty: at the boundary
    expect(firstDue(t, day, 10, t - 1000)).toBe(midnight)
    expect(periodEndAt(t, midnight, day)).toBe(midnight)
    expect(periodEndAt(t - 30 * day, midnight, day)).toBe(boundaryAfter(t - 30 * day, day))
    expect([sleepBefore(t, midnight), sleepBefore(midnight - 5, midnight), sleepBefore(midnight, midnight)]).toEqual([
      MAX_SLEEP,
      5,
      0
    ])
  })
})
