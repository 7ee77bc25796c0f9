/**
 * The log fields of any error, without Effect: its tag, its message, its own data fields and `context` entries, and
 * the `FoundationError` family's shared parts (the fields from options, `name` following `_tag`).
 */
import { describe, expect, it } from "vitest"
import { errorFields, errorMessage, errorTag, foundationErrorFields, nameFollowsTag } from "../../src/core/errors.js"

class Boom extends Error {
  readonly _tag = "Boom"
  readonly code = 7
  readonly retry = () => 1
  readonly missing = undefined
}

describe("core/errors", () => {
  it("errorTag is the `_tag`, else the Error name, else the JS type", () => {
    expect(
      [new Boom("kaput"), new TypeError("x"), { _tag: "T" }, { _tag: 3 }, {}, null, undefined, "s", 3, Symbol("x")]
        .map(errorTag)
    ).toEqual(["Boom", "TypeError", "T", "object", "object", "object", "undefined", "string", "number", "symbol"])
  })

  it("errorMessage is a non-empty message, a string error itself, else the tag", () => {
    expect(
      [new Boom("kaput"), "plain", new Error(""), { _tag: "X", message: "" }, { message: 5 }, null, undefined, 3]
        .map(errorMessage)
    ).toEqual(["kaput", "plain", "Error", "X", "object", "null", "undefined", "3"])
  })

  it("tag and message are \"unknown\" when reading the error throws", () => {
    const getters = {
      get _tag(): string {
        throw new Error("no")
      },
      get message(): string {
        throw new Error("no")
      }
    }
    const proxy = new Proxy({}, {
      get() {
        throw new Error("no")
      },
      ownKeys() {
        throw new Error("no")
      }
    })
    expect([errorTag(getters), errorMessage(getters), errorTag(proxy), errorMessage(proxy)])
      .toEqual(["unknown", "unknown", "unknown", "unknown"])
    expect(errorFields(proxy)).toEqual({ error_tag: "unknown", error_message: "unknown" })
  })

  it("errorFields keeps own data fields and `context` entries, skipping functions, undefined and the standard keys", () => {
    expect(errorFields(new Boom("kaput"))).toEqual({ error_tag: "Boom", error_message: "kaput", code: 7 })
    expect(errorFields({
      _tag: "DbError",
      message: "m",
      name: "n",
      stack: "s",
      cause: "c",
      table: "users",
      context: { requestId: "r1", table: "ctx" }
    })).toEqual({ error_tag: "DbError", error_message: "m", table: "ctx", requestId: "r1" })
    // a context that is no record adds nothing
    expect([errorFields({ context: ["a"], a: 1 }), errorFields({ context: "x" })]).toEqual([
      { error_tag: "object", error_message: "object", a: 1 },
      { error_tag: "object", error_message: "object" }
    ])
    expect(errorFields("plain")).toEqual({ error_tag: "string", error_message: "plain" })
  })

  it("errorFields keeps what it read before a throwing getter, and `__proto__` as an own key", () => {
    const partial = {
      a: 1,
      get b(): number {
        throw new Error("no")
      },
      c: 3
    }
    expect(errorFields(partial)).toEqual({ error_tag: "object", error_message: "object", a: 1 })
    const fields = errorFields(JSON.parse("{\"__proto__\":{\"polluted\":1},\"x\":1}"))
    expect(Object.keys(fields)).toEqual(["error_tag", "error_message", "__proto__", "x"])
    expect([Object.getPrototypeOf(fields) === Object.prototype, "polluted" in fields]).toEqual([true, false])
  })

  it("foundationErrorFields defaults `code` and `context` and keeps every other option", () => {
    expect(foundationErrorFields({ message: "m" }, "DEF")).toEqual({ message: "m", code: "DEF", context: {} })
    expect(foundationErrorFields({ message: "m", code: undefined, context: undefined }, "DEF"))
      .toEqual({ message: "m", code: "DEF", context: {} })
    const options = { message: "m", code: "C", context: { a: 1 }, cause: 5, table: "users" }
    expect(foundationErrorFields(options, "DEF")).toEqual(options)
  })

  it("nameFollowsTag makes `name` read `_tag`, also for a subclass overriding it", () => {
    class Base extends Error {
      _tag = "Base"
    }
    class Sub extends Base {
      override _tag = "Sub"
    }
    nameFollowsTag(Base.prototype)
    const sub = new Sub("x")
    expect([new Base("x").name, sub.name, String(sub), errorTag(sub)]).toEqual(["Base", "Sub", "Sub: x", "Sub"])
    expect(Object.getOwnPropertyDescriptor(Base.prototype, "name")?.configurable).toBe(true)
  })
})
