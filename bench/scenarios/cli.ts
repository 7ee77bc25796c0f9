/**
 * `effect-foundation pretty` throughput: 200,000 JSON log lines (a mix of
 * ours, pino's and plain text) piped through the real command
 * (`node bin/effect-foundation.js pretty < in > out`), best of 3 runs; the
 * startup time (the same command on an empty input) is reported apart and
 * subtracted for the steady-state rate. Plus the in-process prettifier alone.
 * Target: keep up with 100k lines/s. Output line counts are verified.
 */
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import { fileURLToPath } from "node:url"
import { makePrettifier } from "../../src/internal/pretty.js"
import { countLines, expectLines, median, type Row, type Scenario, tempFile } from "../harness.js"

const LINES = 200_000
const root = fileURLToPath(new URL("../../", import.meta.url))

const makeInput = (): string => {
  const out: Array<string> = []
  const t0 = Date.UTC(2026, 0, 2, 3, 4, 5)
  for (let i = 0; i < LINES; i++) {
    switch (i % 4) {
      case 0:
        out.push(
          JSON.stringify({
            timestamp: new Date(t0 + i).toISOString(),
            level: "info",
            message: "Request completed",
            logger_name: "http",
            request_id: `req-${i}`,
            path: "/api/users/42",
            method: "GET",
            status: 200,
            duration_ms: i % 97
          })
        )
        break
      case 1:
        out.push(
          JSON.stringify({
            level: 30,
            time: t0 + i,
            pid: 4242,
            hostname: "web-1",
            name: "worker.alpha",
            msg: "job done",
            job: i,
            ok: true
          })
        )
        break
      case 2:
        out.push(
          JSON.stringify({
            timestamp: new Date(t0 + i).toISOString(),
            level: "debug",
            message: "query",
            logger_name: "db",
            sql: "select * from users where id = $1",
            rows: 1,
            nested: { a: [1, 2, 3] }
          })
        )
        break
      default:
        out.push(`plain text line ${i} from some other tool`)
    }
  }
  return out.join("\n") + "\n"
}

const timeCommand = (input: string, output: string): number => {
  const inFd = fs.openSync(input, "r")
  const outFd = fs.openSync(output, "w")
  const start = process.hrtime.bigint()
  try {
    execFileSync(process.execPath, ["bin/effect-foundation.js", "pretty"], {
      cwd: root,
      stdio: [inFd, outFd, "inherit"],
      env: { ...process.env, NO_COLOR: "1" }
    })
  } finally {
    fs.closeSync(inFd)
    fs.closeSync(outFd)
  }
  return Number(process.hrtime.bigint() - start) / 1e6
}

const scenario: Scenario & { notes: Array<string> } = {
  name: "pretty CLI",
  notes: [
    "pretty CLI: 200,000 lines (1/4 ours info, 1/4 pino, 1/4 ours debug with nested values, 1/4 plain text) through " +
    "`node bin/effect-foundation.js pretty` (src through tsx when dist/ is absent), stdin and stdout redirected to files, best of 3. " +
    "Steady state = lines / (run time - startup time on an empty input). Target >= 100,000 lines/s."
  ],
  run: async () => {
    const input = tempFile("cli-in")
    fs.writeFileSync(input, makeInput())
    const empty = tempFile("cli-empty")
    fs.writeFileSync(empty, "")
    const output = tempFile("cli-out")
    const startups: Array<number> = []
    const runs: Array<number> = []
    for (let i = 0; i < 3; i++) {
      startups.push(timeCommand(empty, output))
      runs.push(timeCommand(input, output))
      expectLines("pretty CLI", countLines(output), LINES)
    }
    const startup = median(startups)
    const best = Math.min(...runs)
    const endToEnd = LINES / (best / 1000)
    const steady = LINES / (Math.max(1, best - startup) / 1000)

    // The prettifier alone, in process.
    const lines = fs.readFileSync(input, "utf8").split("\n").slice(0, -1)
    const pretty = makePrettifier()
    let written = 0
    const samples: Array<number> = []
    for (let round = 0; round < 5; round++) {
      const t = process.hrtime.bigint()
      let out = ""
      for (const line of lines) {
        out += pretty(line)
        if (out.length > 65_536) {
          written += out.length
          out = ""
        }
      }
      written += out.length
      samples.push(Number(process.hrtime.bigint() - t) / 1e6)
    }
    if (written === 0) throw new Error("bench: prettifier wrote nothing")
    const inProcess = LINES / (median(samples) / 1000)

    const rows: Array<Row> = [
      { scenario: "pretty CLI", subject: "startup (empty input)", value: startup, unit: "ms" },
      {
        scenario: "pretty CLI",
        subject: "end to end incl. startup",
        value: endToEnd,
        unit: "lines/s",
        target: ">= 100000 lines/s",
        pass: endToEnd >= 100_000,
        note: `${LINES} lines, best of 3`
      },
      {
        scenario: "pretty CLI",
        subject: "steady state (startup subtracted)",
        value: steady,
        unit: "lines/s",
        target: ">= 100000 lines/s",
        pass: steady >= 100_000
      },
      {
        scenario: "pretty CLI",
        subject: "prettifier in process",
        value: inProcess,
        unit: "lines/s",
        note: "median of 5"
      }
    ]
    return rows
  }
}

export default scenario
