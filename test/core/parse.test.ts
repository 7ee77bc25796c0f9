/**
 * The shared parsers of options and variables, without Effect: what each accepts and rejects, what it says it
 * accepts, and the one wording of a bad value (`<subject>: invalid value <value>; accepted: <accepted>`).
 */
import { describe, expect, it } from "vitest"
import {
  aBoolean,
  acceptedFormats,
  acceptedKeyList,
  acceptedModuleLevels,
  aFormat,
  aFunction,
  aLevel,
  bytes,
  checkedOption,
  durationParsers,
  integerAtLeast,
  invalidLevelMessage,
  invalidMessage,
  invalidOptionMessage,
  needsFileMessage,
  nothingRotatesMessage,
  numberAtLeast,
  oneOf,
  parseBoolean,
  parseBytes,
  parseFormat,
  parseMillis,
  parseModuleLevels,
  showValue,
  stringMillis
} from "../../src/core/parse.js"

const levels = "TRACE, DEBUG, INFO, WARNING (WARN), ERROR, CRITICAL (FATAL)"

describe("core/parse", () => {
  it("shows values: strings quoted, objects as JSON, functions by name, at most 200 characters, never throwing", () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    const duration = { [Symbol.for("effect/Duration")]: true, toString: () => "Duration(1s)" }
    expect([
      "a\"b",
      3,
      null,
      undefined,
      { a: 1 },
      [1, "x"],
      function named() {},
      () => 1,
      BigInt(10),
      Symbol("s"),
      duration,
      cyclic,
      { toJSON: () => undefined }
    ].map(showValue)).toEqual([
      "\"a\\\"b\"",
      "3",
      "null",
      "undefined",
      "{\"a\":1}",
      "[1,\"x\"]",
      "[function named]",
      "[function anonymous]",
      "10",
      "Symbol(s)",
      "Duration(1s)",
      "[object]",
      "[object Object]"
    ])
    expect(showValue("x".repeat(300))).toBe("\"" + "x".repeat(199) + "...")
  })

  it("words a bad value the one way, naming the variable or the option and where it was given", () => {
    expect(invalidMessage("PROVIDE_LOG_LEVEL", "loud", "x")).toBe(
      "PROVIDE_LOG_LEVEL: invalid value \"loud\"; accepted: x"
    )
    expect(invalidOptionMessage("Retry", "maxAttempts", 0, "a whole number >= 1"))
      .toBe("Retry option maxAttempts: invalid value 0; accepted: a whole number >= 1")
    expect(invalidOptionMessage("", "level", "x", "y")).toBe("level: invalid value \"x\"; accepted: y")
    expect(invalidLevelMessage("PROVIDE_LOG_LEVEL", "loud"))
      .toBe(`PROVIDE_LOG_LEVEL: invalid value "loud"; accepted: ${levels}`)
    expect(needsFileMessage("PROVIDE_LOG_FILE_MAX_SIZE"))
      .toBe("PROVIDE_LOG_FILE_MAX_SIZE is set but PROVIDE_LOG_FILE is not: it applies to a log file")
    expect(nothingRotatesMessage("PROVIDE_LOG_FILE_MAX_FILES")).toBe(
      "PROVIDE_LOG_FILE_MAX_FILES is set but neither PROVIDE_LOG_FILE_MAX_SIZE nor PROVIDE_LOG_FILE_INTERVAL: " +
        "nothing rotates the file"
    )
  })

  it("checkedOption returns the parsed value, or throws what `invalid` makes of the rejected one", () => {
    const invalid = (w: string, n: string, v: unknown, a: string) => new RangeError(invalidOptionMessage(w, n, v, a))
    expect(checkedOption("Retry", "maxAttempts", "3", integerAtLeast(1), invalid)).toBe(3)
    expect(() => checkedOption("Retry", "maxAttempts", 0, integerAtLeast(1), invalid))
      .toThrow(new RangeError("Retry option maxAttempts: invalid value 0; accepted: a whole number >= 1"))
  })

  it("integerAtLeast and numberAtLeast take numbers from min up, the first also digits in a string", () => {
    const i = integerAtLeast(1)
    expect([i.accepted, integerAtLeast(0, "custom").accepted]).toEqual(["a whole number >= 1", "custom"])
    expect([1, 5, "7", " 8 "].map(i.parse)).toEqual([1, 5, 7, 8])
    expect([0, -1, 1.5, "1.5", "", "1e3", "-3", "0x10", 2 ** 53, NaN, Infinity, true, null].map(i.parse))
      .toEqual(Array(13).fill(undefined))
    const n = numberAtLeast(0)
    expect(n.accepted).toBe("a finite number >= 0")
    expect([0, 0.5, 1e9].map(n.parse)).toEqual([0, 0.5, 1e9])
    expect([-0.1, NaN, Infinity, "1", null].map(n.parse)).toEqual(Array(5).fill(undefined))
  })

  it("oneOf, aFunction, aBoolean, aLevel and aFormat take their values, trimmed and in any case, and reject others", () => {
    const o = oneOf(["stdout", "stderr"])
    expect(o.accepted).toBe("stdout, stderr")
    expect(["stdout", " STDERR ", "Stdout"].map(o.parse)).toEqual(["stdout", "stderr", "stdout"])
    expect(["stdin", "", 1, null, "toString"].map(o.parse)).toEqual(Array(5).fill(undefined))
    // upper-case values too (the rotation signals): the input is compared in any case, the value returned as listed
    const signals = oneOf(["SIGHUP", "SIGUSR2"])
    expect(["SIGHUP", " sighup ", "SigUsr2", "HUP"].map(signals.parse)).toEqual([
      "SIGHUP",
      "SIGHUP",
      "SIGUSR2",
      undefined
    ])
    const f = () => 1
    expect([aFunction().accepted, aFunction("a predicate").accepted, aFunction().parse(f), aFunction().parse("f")])
      .toEqual(["a function", "a predicate", f, undefined])
    expect(aBoolean.accepted).toBe("true, false, 1, 0, yes, no, on, off")
    expect([true, false, "yes", " OFF "].map(aBoolean.parse)).toEqual([true, false, true, false])
    expect(["maybe", 1, 0, null].map(aBoolean.parse)).toEqual(Array(4).fill(undefined))
    expect(aLevel.accepted).toBe(levels)
    expect(["INFO", "warn", " Fatal ", "loud", 20000, null].map(aLevel.parse))
      .toEqual(["info", "warning", "critical", undefined, undefined, undefined])
    expect([acceptedFormats, aFormat.accepted]).toEqual(["key_value, json", "key_value, json"])
    expect(["json", " JSON ", "Key_Value", "keyvalue", "key-value", 1].map(aFormat.parse))
      .toEqual(["json", "json", "key_value", undefined, undefined, undefined])
    expect([parseFormat(" json\n"), parseFormat("text")]).toEqual(["json", undefined])
  })

  it("parseBoolean reads true/false/1/0/yes/no/on/off in any case and nothing else", () => {
    expect(["true", " YES ", "On", "1", "0", "off", "No", "FALSE"].map(parseBoolean))
      .toEqual([true, true, true, true, false, false, false, false])
    expect(["y", "", "2", "toString", "__proto__"].map(parseBoolean)).toEqual(Array(5).fill(undefined))
  })

  it("parseBytes and bytes read sizes with binary units as positive safe integers", () => {
    expect(["65536", "64k", "64KiB", " 2 kb ", "8m", "8 MiB", "1 GiB", "1.5k", "1.9", "7b"].map(parseBytes))
      .toEqual([65536, 65536, 65536, 2048, 8388608, 8388608, 1073741824, 1536, 1, 7])
    expect(["0", "0.5", "-1", "1 TB", "", "k", "1e3", "9007199254740992"].map(parseBytes))
      .toEqual(Array(8).fill(undefined))
    const b = bytes()
    expect(b.accepted).toBe("a positive number of bytes, e.g. 65536, \"64k\", \"8 MiB\"")
    expect([1, "64k", 0, 1.5, 2 ** 53, "x", true].map(b.parse)).toEqual([1, 65536, ...Array(5).fill(undefined)])
  })

  it("stringMillis reads a duration's text in any unit; parseMillis keeps the positive, finite ones", () => {
    const texts = ["250", "250 ms", "1 s", "1 SECONDS", "1.5s", "2 min", "6 h", "1 day", "2 weeks", "0"]
    expect(texts.map(stringMillis)).toEqual([250, 250, 1000, 1000, 1500, 120000, 21600000, 86400000, 1209600000, 0])
    expect(texts.map(parseMillis)).toEqual([...texts.slice(0, -1).map(stringMillis), undefined])
    expect(["-1 s", "1 fortnight", "", "1e3", "s"].map(stringMillis)).toEqual(Array(5).fill(undefined))
    expect([stringMillis("9".repeat(400)), parseMillis("9".repeat(400))]).toEqual([Infinity, undefined])
  })

  it("durationParsers read numbers and texts themselves, hand the rest to the binding, and reject negatives", () => {
    const decoded: Array<unknown> = []
    const { duration, durationMillis } = durationParsers((input) => {
      decoded.push(input)
      return typeof input === "object" && input !== null && "ms" in input ? (input as { ms: number }).ms : undefined
    })
    expect([0, 5, Infinity, "250 ms", { ms: 7 }].map(durationMillis)).toEqual([0, 5, Infinity, 250, 7])
    expect([-1, NaN, BigInt(-5), " -1 s", "-0", [-1, 0], [1, "x"], { ms: NaN }, null].map(durationMillis))
      .toEqual(Array(9).fill(undefined))
    // negatives are rejected before the binding sees them; what the core cannot read goes to it
    expect(decoded).toEqual([{ ms: 7 }, { ms: NaN }, null])
    const examples = "e.g. 500 (ms), \"1 second\", \"250 ms\", Duration.seconds(1)"
    const inputs = [0, 5, Infinity, -1, "2 s"]
    expect(
      [duration("non-negative"), duration("finite"), duration("positive")].map((p) => [p.accepted, inputs.map(p.parse)])
    )
      .toEqual([
        [`a non-negative duration, ${examples}`, [0, 5, Infinity, undefined, 2000]],
        [`a finite, non-negative duration, ${examples}`, [0, 5, undefined, undefined, 2000]],
        [`a positive duration, ${examples}`, [undefined, 5, undefined, undefined, 2000]]
      ])
    expect(duration("positive", "custom").accepted).toBe("custom")
  })

  it("parseModuleLevels reads name:LEVEL pairs, and rejects the whole text for one bad pair", () => {
    expect(
      [" a : info , , b:warn ", "auth:DEBUG,db.pool:ERROR", "a:b:debug", "a:debug,a:error", "", ","].map(
        parseModuleLevels
      )
    )
      .toEqual([
        { a: "info", b: "warning" },
        { auth: "debug", "db.pool": "error" },
        { "a:b": "debug" },
        { a: "error" },
        {},
        {}
      ])
    expect(["auth", ":debug", " :debug", "a:loud", "a:info,b"].map(parseModuleLevels)).toEqual(Array(5).fill(undefined))
    // `__proto__` is an own key, not the prototype
    const proto = parseModuleLevels("__proto__:debug")!
    expect([Object.keys(proto), Object.getPrototypeOf(proto) === Object.prototype]).toEqual([["__proto__"], true])
    expect(acceptedModuleLevels).toBe(
      `comma-separated name:LEVEL pairs (e.g. "auth:DEBUG,db.pool:ERROR") with LEVEL one of ${levels}`
    )
    expect(acceptedKeyList)
      .toBe(
        "comma-separated key names made of letters, digits, \"_\", \"-\", \".\" (e.g. \"pin,otp_code,X-Session-Key\")"
      )
  })
})
