/**
 * A cause's text in the Effect-free core, without Effect: one block per failure or defect, `[cause]:` blocks down a
 * chain within the depth limit, every value through the redacting walk, and a marker instead of a throw.
 */
import { describe, expect, it } from "vitest"
import { causeText } from "../../src/core/cause.js"
import type { CauseData, CauseReason } from "../../src/core/record.js"
import { makeRedactor } from "../../src/core/redact.js"
import { defaultLimits, Renderer } from "../../src/core/render.js"

const renderer = new Renderer(makeRedactor())
const cause = (...reasons: Array<CauseReason>): CauseData => ({ reasons, interrupted: false })
const die = (value: unknown): CauseReason => ({ kind: "die", value })
const fail = (value: unknown): CauseReason => ({ kind: "fail", value })

/** An error without a stack (its block is then `Name: message`), with an optional cause. */
const bare = (message: string, next?: unknown): Error => {
  const error = next === undefined ? new Error(message) : new Error(message, { cause: next })
  delete error.stack
  return error
}

describe("core/cause", () => {
  it("strings and other values each make an Error: block, one per line; an interruption adds nothing", () => {
    expect(causeText(renderer, { reasons: [fail("boom"), die(42), die(null)], interrupted: true })).toBe(
      "Error: boom\nError: 42\nError: null"
    )
  })

  it("a failure that is an object shows its walked JSON, removed keys left out, never its toString", () => {
    const r = new Renderer(makeRedactor({ removeKeys: ["pin"] }))
    const failure = { _tag: "NotFound", id: 3, pin: 1234, toString: () => "hidden" }
    expect(causeText(r, cause(fail(failure)))).toBe(
      "Error: {\"_tag\":\"NotFound\",\"id\":3,\"toString\":\"[Function: toString]\"}"
    )
  })

  it("a chain nests its [cause]: blocks, each level indented two more spaces; an empty stack is Name: message", () => {
    const empty = new Error("l2", { cause: bare("l3") })
    empty.stack = ""
    expect(causeText(renderer, cause(die(bare("l0", bare("l1", empty)))))).toBe(
      "Error: l0 {\n  [cause]: Error: l1 {\n    [cause]: Error: l2 {\n      [cause]: Error: l3\n    }\n  }\n}"
    )
  })

  it("a chain stops at the depth limit, and a cycle stops where it comes back", () => {
    const shallow = new Renderer(makeRedactor(), { ...defaultLimits, maxDepth: 3 })
    expect(causeText(shallow, cause(die(bare("l0", bare("l1", bare("l2", bare("l3")))))))).toBe(
      "Error: l0 {\n  [cause]: Error: l1 {\n    [cause]: Error: l2\n  }\n}"
    )
    const a = bare("a")
    const b = bare("b", a)
    Object.assign(a, { cause: b })
    expect(causeText(renderer, cause(fail(b)))).toBe("Error: b {\n  [cause]: Error: a\n}")
  })

  it("a cause that is not an error still gets its block", () => {
    expect(causeText(renderer, cause(fail(bare("s", "just text"))))).toBe("Error: s {\n  [cause]: Error: just text\n}")
  })

  it("past maxKeys reasons the rest are counted as more errors", () => {
    const few = new Renderer(makeRedactor(), { ...defaultLimits, maxKeys: 2 })
    expect(causeText(few, cause(fail("a"), fail("b"), die("c")))).toBe("Error: a\nError: b\n… more errors")
  })

  it("the text is masked, then cut to maxStringLength", () => {
    expect(causeText(renderer, cause(fail("postgres://app:hunter2@db/x")))).toBe(
      "Error: postgres://app:[REDACTED]@db/x"
    )
    const short = new Renderer(makeRedactor(), { ...defaultLimits, maxStringLength: 10 })
    expect(causeText(short, cause(fail("x".repeat(20))))).toBe("Error: xxx…[truncated 17 chars]")
  })

  it("never throws: a failing block, a hostile name and unreadable reasons become markers", () => {
    class Failing extends Renderer {
      override errorStack(): string {
        throw new Error("layout")
      }
    }
    expect(causeText(new Failing(makeRedactor()), cause(fail("x"), die("y")))).toBe(
      "[Unrenderable: layout]\n[Unrenderable: layout]"
    )
    const named = bare("n")
    Object.defineProperty(named, "name", {
      get: () => {
        throw new Error("nm")
      }
    })
    expect(causeText(renderer, cause(fail(named)))).toBe("[Throws: nm]: n")
    const unreadable = Object.defineProperty({ interrupted: false }, "reasons", {
      get: () => {
        throw new Error("gone")
      }
    }) as unknown as CauseData
    expect(causeText(renderer, unreadable)).toBe("[Unrenderable cause: gone]")
  })
})
