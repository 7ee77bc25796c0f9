/**
 * Redaction and rendering in the Effect-free core, without Effect: the renderer never throws, never loops, never
 * lets a control character or a secret through, and a binding adds its own values through `special`.
 */
import { describe, expect, it } from "vitest"
import { KEEP, makeRedactor, parseKeyList, REDACT, REMOVE } from "../../src/core/redact.js"
import { defaultLimits, escapeText, Renderer } from "../../src/core/render.js"

describe("core/redact", () => {
  it("classifies keys in any spelling: default sensitive keys hidden, removed keys removed, others kept", () => {
    const r = makeRedactor({ removeKeys: ["pin"] })
    expect(["password", "userApiKey", "X-Auth-Token", "PIN", "user_name"].map(r.classifyKey)).toEqual([
      REDACT,
      REDACT,
      REDACT,
      REMOVE,
      KEEP
    ])
    expect(makeRedactor({ enabled: false }).classifyKey("password")).toBe(KEEP)
  })

  it("masks secrets inside strings and returns the same string when nothing matches", () => {
    const r = makeRedactor()
    const plain = "nothing to hide here"
    expect(r.maskString(plain)).toBe(plain)
    expect(r.maskString("postgres://app:hunter2@db/x")).not.toContain("hunter2")
    expect(r.maskString("Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123")).not.toContain("abcdefghijklmnop")
  })

  it("parses a key list, refusing names with other characters", () => {
    expect([parseKeyList(" pin, otp_code ,X-Session-Key,"), parseKeyList("a b")]).toEqual([
      ["pin", "otp_code", "X-Session-Key"],
      undefined
    ])
  })
})

describe("core/render", () => {
  const renderer = new Renderer(makeRedactor(), { ...defaultLimits, maxDepth: 3, maxKeys: 2 })

  it("renders hostile values safely: cycles, depth, key limits, throwing getters, BigInt", () => {
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    const throwing = Object.defineProperty({}, "boom", {
      enumerable: true,
      get: () => {
        throw new Error("no")
      }
    })
    expect(renderer.safe({ cyclic, deep: { b: { c: { d: 1 } } } })).toEqual({
      cyclic: { a: 1, self: "[Circular]" },
      deep: { b: { c: "[Max depth]" } }
    })
    expect(renderer.json({ x: 1, y: 2, z: 3 })).toBe("{\"x\":1,\"y\":2,\"…\":\"1 more keys\"}")
    expect([renderer.json(throwing), renderer.console(10n), renderer.console("a b")]).toEqual([
      "{\"boom\":\"[Throws: no]\"}",
      "10",
      "\"a b\""
    ])
  })

  it("hides sensitive keys at any depth and keeps text single-line", () => {
    expect(renderer.json({ user: { password: "p" } })).toBe("{\"user\":{\"password\":\"[REDACTED]\"}}")
    expect(escapeText("a\nb\u001b[31m\u202e")).toBe("a\\nb\\u001b[31m\\u202e")
  })

  it("a binding renders its own values through special, before the walk", () => {
    class Tagged extends Renderer {
      protected override special(obj: object): unknown {
        return "tag" in obj ? "<" + String(obj.tag) + ">" : undefined
      }
    }
    expect(new Tagged(makeRedactor()).json({ a: { tag: "secret" }, b: [1] })).toBe("{\"a\":\"<secret>\",\"b\":[1]}")
  })
})
