/**
 * The trace and span id checks of the Effect-free core, without Effect: only valid W3C ids pass, a 64-bit trace id
 * is padded to 128 bits, anything else is left out.
 */
import { describe, expect, it } from "vitest"
import { validSpanId, validTraceId } from "../../src/core/traceIds.js"

const trace = "0123456789abcdef0123456789abcdef"
const span = "fedcba9876543210"

describe("core/traceIds", () => {
  it("a 32-digit lower-case hex trace id is used as it is", () => {
    expect([validTraceId(trace), validTraceId("f".repeat(32)), validTraceId("0".repeat(31) + "1")]).toEqual([
      trace,
      "f".repeat(32),
      "0".repeat(31) + "1"
    ])
  })

  it("a 64-bit (16-digit) trace id is left-padded with 16 zeros", () => {
    expect([validTraceId(span), validTraceId("0".repeat(15) + "1")]).toEqual([
      "0000000000000000" + span,
      "0".repeat(31) + "1"
    ])
  })

  it("an all-zero trace id is refused, at either length", () => {
    expect([validTraceId("0".repeat(32)), validTraceId("0".repeat(16))]).toEqual([undefined, undefined])
  })

  it("upper-case hex, other characters, other lengths and non-strings are refused as trace ids", () => {
    const bad: ReadonlyArray<unknown> = [
      trace.toUpperCase(),
      "0123456789abcdeg0123456789abcdef",
      "garbage-x-1",
      trace + "0",
      trace.slice(0, 31),
      span.slice(0, 15),
      "",
      " " + trace.slice(1),
      "0x" + trace.slice(2),
      123,
      undefined,
      null,
      { toString: () => trace }
    ]
    expect(bad.map(validTraceId)).toEqual(bad.map(() => undefined))
  })

  it("a span id must be 16 lower-case hex digits, not all zero; a 32-digit one is not padded down", () => {
    expect(validSpanId(span)).toBe(span)
    const bad: ReadonlyArray<unknown> = [
      "0".repeat(16),
      span.toUpperCase(),
      span.slice(0, 15),
      span + "0",
      trace,
      "fedcba987654321z",
      "",
      16,
      undefined,
      null
    ]
    expect(bad.map(validSpanId)).toEqual(bad.map(() => undefined))
  })
})
