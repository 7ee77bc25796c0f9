/**
 * A program under `NodeRuntime.runMain` that logs JSON through Foundation:
 * when it fails, its stdout stays JSON lines (runMain's multi-line pretty
 * report of the failure is replaced by one JSON record carrying the cause) and
 * the exit code stays 1. Subprocesses (test/fixtures/runmain-failure.ts).
 */
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { fileURLToPath } from "node:url"
import { fixtureCommand, runFixture } from "./utils.js"

const fixture = fileURLToPath(new URL("./fixtures/runmain-failure.ts", import.meta.url))

beforeAll(() => fixtureCommand(fixture).then(() => undefined), 60_000)

interface Failure {
  readonly name?: string
  readonly message?: string
  readonly cause?: Failure
}

interface JsonRecord {
  readonly level: string
  readonly message: string
  readonly i?: number
  readonly cause?: { readonly failures?: ReadonlyArray<Failure>; readonly defects?: ReadonlyArray<Failure> }
}

/** Every stdout line parsed as JSON; a line that is not one fails the test, quoted with the counts. */
const run = async (mode: string) => {
  const r = await runFixture(fixture, [mode], { env: { PROVIDE_LOG_CONSOLE_FORMATTER: "json" } })
  const lines = r.stdout.split("\n").filter((l) => l !== "")
  const records: Array<JsonRecord> = []
  const notJson: Array<string> = []
  for (const line of lines) {
    try {
      records.push(JSON.parse(line) as JsonRecord)
    } catch {
      notJson.push(line)
    }
  }
  const counts = `mode ${mode}: exit ${r.code}, logged 3 lines (+2 app), written ${lines.length} stdout lines, ` +
    `${notJson.length} not JSON ${JSON.stringify(notJson.slice(0, 3))}; stderr ${
      JSON.stringify(r.stderr.slice(0, 300))
    }`
  return { ...r, records, notJson, counts }
}

describe("NodeRuntime.runMain with JSON output", () => {
  it("a failing program: every stdout line is one JSON record, the last one the failure with its cause; exit 1", async () => {
    const r = await run("fail")
    expect(r.notJson, r.counts).toEqual([])
    expect(r.records.map((x) => x.message), r.counts).toEqual([
      "app started",
      "line",
      "line",
      "line",
      "app stopped",
      "program failed: DatabaseDown: database down"
    ])
    const failure = r.records[5]!
    expect(failure.level, r.counts).toBe("error")
    const failed = failure.cause?.failures?.[0]
    expect(failed?.name, r.counts).toBe("DatabaseDown")
    expect(failed?.message, r.counts).toBe("database down")
    expect(failed?.cause?.message, r.counts).toBe("connect ECONNREFUSED 127.0.0.1:5432")
    expect(r.code, r.counts).toBe(1)
    // runMain's own report is not written anywhere else either
    expect(r.stderr, r.counts).not.toContain("DatabaseDown")
  })

  it("a program that dies: the defect is one JSON record with its cause; exit 1", async () => {
    const r = await run("die")
    expect(r.notJson, r.counts).toEqual([])
    expect(r.records.length, r.counts).toBe(6)
    const failure = r.records[5]!
    expect(failure.message, r.counts).toBe("program failed: RangeError: index out of range")
    expect(failure.level, r.counts).toBe("error")
    expect(failure.cause?.defects?.[0]?.name, r.counts).toBe("RangeError")
    expect(failure.cause?.defects?.[0]?.message, r.counts).toBe("index out of range")
    expect(r.code, r.counts).toBe(1)
    expect(r.stderr, r.counts).not.toContain("RangeError")
  })

  it("a program that succeeds: no failure record, exit 0", async () => {
    const r = await run("ok")
    expect(r.notJson, r.counts).toEqual([])
    expect(r.records.map((x) => x.message), r.counts).toEqual(["app started", "line", "line", "line", "app stopped"])
    expect(r.code, r.counts).toBe(0)
  })
})
