/**
 * The console-plus-file environment variables (issue 22 items 2 and 3), each in a child process of its own
 * (`process` project); the in-process output tests are in Outputs.test.ts.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { runFixture } from "./utils.js"

const messages = (lines: ReadonlyArray<string>) => lines.map((l) => (JSON.parse(l) as { message: string }).message)

/** What test/fixtures/outputs-env.ts logs, as the console (at INFO) and the file (at DEBUG) write it. */
const consoleWants = ["[▶️] log info", "⚠️ WARN [▶️] effect warning"]
const fileWants = ["log debug", "effect debug", "log info", "effect warning"]

describe("console plus file from the environment", () => {
  const fixture = "test/fixtures/outputs-env.ts"
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "ef-outputs-"))
  const env = (file: string, extra: Record<string, string>) => ({
    PROVIDE_LOG_LEVEL: "INFO",
    PROVIDE_LOG_CONSOLE_FORMATTER: "key_value",
    NO_COLOR: "1",
    PROVIDE_LOG_FILE: file,
    ...extra
  })
  const read = (file: string) => fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").slice(0, -1) : []

  it("PROVIDE_LOG_FILE_LEVEL: the console at PROVIDE_LOG_LEVEL, the file at its own level in JSON", async () => {
    const file = path.join(tmp(), "app.log")
    const run = await runFixture(fixture, [], { env: env(file, { PROVIDE_LOG_FILE_LEVEL: "DEBUG" }) })
    const stdout = run.stdout.split("\n").slice(0, -1)
    const lines = read(file)
    const counts = `code=${run.code} stdout=${stdout.length} file=${lines.length} stderr=${JSON.stringify(run.stderr)}`
    expect(stdout, counts).toEqual(consoleWants)
    expect(messages(lines), counts).toEqual(fileWants)
  })

  it("PROVIDE_LOG_FILE_FORMAT alone: the file in its format at PROVIDE_LOG_LEVEL, beside the console", async () => {
    const file = path.join(tmp(), "app.log")
    const run = await runFixture(fixture, [], {
      env: env(file, { PROVIDE_LOG_CONSOLE_FORMATTER: "json", PROVIDE_LOG_FILE_FORMAT: "key_value" })
    })
    const stdout = run.stdout.split("\n").slice(0, -1)
    const lines = read(file)
    const counts = `code=${run.code} stdout=${stdout.length} file=${lines.length} stderr=${JSON.stringify(run.stderr)}`
    expect(messages(stdout), counts).toEqual(["log info", "effect warning"])
    expect(lines, counts).toEqual(consoleWants)
  })

  it("PROVIDE_LOG_FILE alone still sends everything to the file instead of the console", async () => {
    const file = path.join(tmp(), "app.log")
    const run = await runFixture(fixture, [], { env: env(file, { PROVIDE_LOG_LEVEL: "DEBUG" }) })
    const lines = read(file)
    const counts = `code=${run.code} stdout=${run.stdout.length} file=${lines.length}`
    expect([run.stdout, lines.map((l) => l.replace(/^\S+ DEBUG /, ""))], counts).toEqual([
      "",
      ["[▶️] log debug", "[▶️] effect debug", ...consoleWants]
    ])
  })
})
