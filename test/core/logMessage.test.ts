/**
 * The reading of `Effect.log*`'s arguments into a record's message, fields and error, in the Effect-free core,
 * without Effect: strings and other values join the message, the first error is the error, plain objects are fields.
 */
import { describe, expect, it } from "vitest"
import { messageParts } from "../../src/core/logMessage.js"
import { makeRedactor } from "../../src/core/redact.js"
import { Renderer } from "../../src/core/render.js"

const renderer = new Renderer(makeRedactor())
const read = (message: unknown) => messageParts(message, renderer)

describe("core/logMessage", () => {
  it("a string, or an array of one string, is the message alone", () => {
    expect([read("plain"), read(["only"])]).toEqual([
      { message: "plain", fields: undefined, error: undefined },
      { message: "only", fields: undefined, error: undefined }
    ])
  })

  it("strings and other values join the message with one space, each value as text without quotes", () => {
    expect(read(["a b", 1, true, null, undefined, 10n, [1, "x y"], new Date(Date.UTC(2026, 0, 2))])).toEqual({
      message: "a b 1 true null undefined 10 [1,\"x y\"] 2026-01-02T00:00:00.000Z",
      fields: undefined,
      error: undefined
    })
    expect(read(42).message).toBe("42")
  })

  it("the first error is the record's error; later ones join the message as Name: message", () => {
    const first = new TypeError("first")
    const parts = read(["failed", first, new RangeError("second"), new Error("")])
    expect(parts.message).toBe("failed RangeError: second Error")
    expect(parts.error).toBe(first)
    expect(parts.fields).toBe(undefined)
  })

  it("an error alone gives the message its own message; one whose message throws gives an empty one", () => {
    const error = new Error("disk full")
    expect(read([error])).toEqual({ message: "disk full", fields: undefined, error })
    const hostile = new Error("x")
    Object.defineProperty(hostile, "message", {
      get: () => {
        throw new Error("no")
      }
    })
    expect(read([hostile])).toEqual({ message: "", fields: undefined, error: hostile })
  })

  it("plain objects become fields, later keys winning; an object alone leaves the message empty", () => {
    const parts = read(["m", { id: 1, password: "p" }, { id: 2, extra: true }])
    expect(parts).toEqual({ message: "m", fields: { id: 2, password: "p", extra: true }, error: undefined })
    expect(read({ a: 1 })).toEqual({ message: "", fields: { a: 1 }, error: undefined })
    expect(read([Object.assign(Object.create(null), { n: 3 })]).fields).toEqual({ n: 3 })
  })

  it("fields are a snapshot: the caller's object is not kept, a throwing getter becomes a marker", () => {
    const given = { a: 1 }
    const parts = read(["m", given])
    expect(parts.fields).toEqual({ a: 1 })
    expect(parts.fields).not.toBe(given)
    const throwing = Object.defineProperty({}, "x", {
      enumerable: true,
      get: () => {
        throw new Error("no")
      }
    })
    expect(read(["m", throwing]).fields).toEqual({ x: "[Throws: no]" })
  })

  it("a __proto__ key of a later object stays a key, never the fields' prototype", () => {
    const fields = read([{ a: 1 }, JSON.parse("{\"__proto__\":{\"polluted\":1}}")]).fields!
    expect(Object.keys(fields)).toEqual(["a", "__proto__"])
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype)
    expect((fields as { polluted?: unknown }).polluted).toBe(undefined)
  })

  it("objects that are not plain (class instances, maps, functions, symbols) are text, not fields", () => {
    class Point {
      x = 1
    }
    const parts = read(["v", new Point(), new Map([["k", 1]]), Symbol("s t"), function named() {}])
    expect(parts).toEqual({
      message: "v {\"x\":1} {\"k\":1} Symbol(s t) [Function: named]",
      fields: undefined,
      error: undefined
    })
  })

  it("text values are redacted like any value; an empty argument list gives an empty message", () => {
    expect(read(["login", new Map([["password", "p"]])]).message).toBe("login {\"password\":\"[REDACTED]\"}")
    expect(read([])).toEqual({ message: "", fields: undefined, error: undefined })
  })
})
