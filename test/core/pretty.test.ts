/**
 * The `pretty` reader of the Effect-free core, without Effect: JSON lines (ours and pino's) read back into records,
 * with a stand-in formatter; anything else passed through.
 */
import { describe, expect, it } from "vitest"
import { makePrettifier, type PrettyRecord, toLogRecord } from "../../src/core/pretty.js"

const show = (r: PrettyRecord) =>
  `${r.level}|${r.loggerName}|${r.message}|${JSON.stringify(r.fields)}|${r.error instanceof Error}|` +
  `${
    r.cause === undefined ? "-" : r.cause.failures.length + "/" + r.cause.defects.length + "/" + r.cause.interrupted
  }\n`

describe("core/pretty", () => {
  it("reads our JSON lines: reserved keys back to the user's, spans as fields, error and cause revived", () => {
    const pretty = makePrettifier(show)
    const line = JSON.stringify({
      timestamp: "2026-01-02T03:04:05.678Z",
      level: "warning",
      message: "m",
      logger_name: "db",
      "fields.level": "x",
      n: 1,
      spans: { step: 5 },
      error: { name: "TypeError", message: "bad", code: "E1" },
      cause: { failures: [{ name: "Error", message: "f" }], defects: [], interrupted: true }
    })
    expect(pretty(line)).toBe("warning|db|m|{\"level\":\"x\",\"n\":1,\"step\":\"5ms\"}|true|1/0/true\n")
    const record = toLogRecord(JSON.parse(line))!
    expect([(record.error as Error).name, (record.error as Error & { code: string }).code]).toEqual(["TypeError", "E1"])
  })

  it("reads pino lines (numeric level, msg, err) and drops pid and hostname", () => {
    const pretty = makePrettifier(show)
    expect(pretty(JSON.stringify({ level: 50, time: 0, pid: 1, hostname: "h", msg: "x", a: 2, err: { type: "E" } })))
      .toBe("error|undefined|x|{\"a\":2}|false|-\n")
  })

  it("passes through what is not a record, and drops records under the level", () => {
    const pretty = makePrettifier(show, { level: "info" })
    expect([pretty("plain text"), pretty("{not json"), pretty("[1]"), pretty("{\"level\":\"loud\",\"message\":\"m\"}")])
      .toEqual(["plain text\n", "{not json\n", "[1]\n", "{\"level\":\"loud\",\"message\":\"m\"}\n"])
    expect(pretty(JSON.stringify({ timestamp: "x", level: "debug", message: "dropped" }))).toBe("")
  })
})
