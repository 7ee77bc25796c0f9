/**
 * What the sink says, without Effect: an error as one short text, the "records dropped" warning line (rendered by
 * the program's format or as a JSON line) and the exact report texts.
 */
import { describe, expect, it } from "vitest"
import {
  droppedReport,
  errorText,
  failedReport,
  reopenFailedReport,
  rotationFailedReport,
  warningLine
} from "../../src/core/sinkReports.js"

const queue = { policy: "drop_oldest", capacity: 1024, dropped: 7 } as const

describe("core/sinkReports", () => {
  it("errorText prefixes an error's string code once, and ignores a code that is not a string", () => {
    expect([
      errorText(Object.assign(new Error("no space left on device"), { code: "ENOSPC" })),
      errorText(Object.assign(new Error("EACCES: permission denied, open 'a.log'"), { code: "EACCES" })),
      errorText(Object.assign(new Error("broken"), { code: 5 })),
      errorText(new TypeError("not a function"))
    ]).toEqual([
      "ENOSPC: no space left on device",
      "EACCES: permission denied, open 'a.log'",
      "broken",
      "not a function"
    ])
  })

  it("errorText names an error without a message, so a report never reads \"failed: ;\"", () => {
    expect([
      errorText(new Error("")),
      errorText(new TypeError("")),
      errorText(Object.assign(new Error(""), { code: "EPIPE" }))
    ]).toEqual(["Error", "TypeError", "EPIPE: Error"])
  })

  it("errorText shows an Exit as \"writer failed\", anything else as String shows it, and never throws", () => {
    const hostile = {
      toString: () => {
        throw new Error("no")
      }
    }
    const getterError = new Error("x")
    Object.defineProperty(getterError, "message", {
      get: () => {
        throw new Error("no")
      }
    })
    expect([
      errorText({ _tag: "Failure", cause: {} }),
      errorText({ _tag: "Success", value: 1 }),
      errorText({ _tag: "Other" }),
      errorText("disk gone"),
      errorText(42),
      errorText(undefined),
      errorText(hostile),
      errorText(Object.create(null)),
      errorText(getterError)
    ]).toEqual([
      "writer failed",
      "writer failed",
      "[object Object]",
      "disk gone",
      "42",
      "undefined",
      "unknown error",
      "unknown error",
      "unknown error"
    ])
  })

  it("warningLine without a render is a JSON line with the counts and the policy", () => {
    const line = warningLine(undefined, 3, queue, 1_000)
    expect(line).toBe(
      JSON.stringify({
        timestamp: "1970-01-01T00:00:01.000Z",
        level: "warning",
        message: "log buffer full: 3 records dropped (overflow policy drop_oldest, maxBufferBytes 1024)",
        logger_name: "effect-foundation.sink",
        dropped: 3,
        dropped_total: 7,
        overflow: "drop_oldest"
      }) + "\n"
    )
  })

  it("warningLine uses the program's render, ending its line with exactly one newline", () => {
    const seen: Array<unknown> = []
    const render = (message: string, fields: Readonly<Record<string, unknown>>, millis: number) => {
      seen.push([message, fields, millis])
      return `WARN ${message}`
    }
    expect(warningLine(render, 2, { policy: "block", capacity: 50, dropped: 2 }, 5)).toBe(
      "WARN log buffer full: 2 records dropped (overflow policy block, maxBufferBytes 50)\n"
    )
    expect(seen).toEqual([[
      "log buffer full: 2 records dropped (overflow policy block, maxBufferBytes 50)",
      { dropped: 2, dropped_total: 2, overflow: "block" },
      5
    ]])
    expect(warningLine(() => "already ended\n", 1, queue, 0)).toBe("already ended\n")
  })

  it("warningLine falls back to the JSON line when the render throws or returns no string", () => {
    const json = warningLine(undefined, 4, queue, 0)
    expect(JSON.parse(json)).toMatchObject({ level: "warning", dropped: 4, timestamp: "1970-01-01T00:00:00.000Z" })
    const throwing = () => {
      throw new Error("render broke")
    }
    expect(warningLine(throwing, 4, queue, 0)).toBe(json)
    expect(warningLine(() => undefined as unknown as string, 4, queue, 0)).toBe(json)
  })

  it("the reports are one line each, naming the driver and the error", () => {
    expect(failedReport("file app.log", "ENOSPC: no space left on device")).toBe(
      "effect-foundation: log sink (file app.log) failed: ENOSPC: no space left on device; the program keeps running, " +
        "failed lines are counted (LogSink stats / flush report) and not reported again\n"
    )
    expect(reopenFailedReport("file app.log", "ENOENT: gone")).toBe(
      "effect-foundation: log sink cannot reopen (file app.log): ENOENT: gone; still writing to the previously opened file\n"
    )
    expect(rotationFailedReport("file app.log", "EXDEV")).toBe(
      "effect-foundation: log rotation failed (file app.log): EXDEV; logging goes on in the current file; " +
        "later rotation failures are counted (LogSink stats) and not reported again\n"
    )
    expect(droppedReport("stdout", 12, "exit")).toBe(
      "effect-foundation: log sink (stdout): 12 records dropped (exit)\n"
    )
  })
})
