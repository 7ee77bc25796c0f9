/**
 * Burst: 1,000,000 lines from one fiber with no yielding, to a temp file;
 * each subject in its own process. Measures peak RSS growth (maxRSS after the
 * burst minus RSS after warm-up). Target: <= 64 MB for effect-foundation.
 * Compared with Effect `Logger.batched` (1 s window) and pino async
 * (sonic-boom, sync: false). The file's line count is verified: all 1,000,000
 * lines, or, for the default drop_oldest policy, written + dropped = 1,000,000
 * (plus the one "records dropped" warning line per overflow episode).
 * The baseline copy of the library runs the default configuration in its own
 * process too (for information: RSS growth varies by several MB between runs).
 */
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { ensureBaseline } from "../baseline.js"
import { expectLines, type Row, type Scenario, tempFile } from "../harness.js"

const LINES = 1_000_000
const scenario = "burst: 1,000,000 lines, one fiber, no yield"
const child = fileURLToPath(new URL("../burst-child.ts", import.meta.url))

interface Result {
  readonly subject: string
  readonly rssGrowthMB: number
  readonly lines: number
  readonly dropped: number
  readonly burstMs: number
  readonly totalMs: number
}

const run = (subject: string): Result => {
  const file = tempFile(`burst-${subject}`)
  const out = execFileSync(process.execPath, [
    "--expose-gc",
    "--import",
    "tsx",
    "--conditions=source",
    child,
    subject,
    file,
    String(LINES)
  ], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 120_000
  })
  return JSON.parse(out.trim().split("\n").pop()!) as Result
}

const names: Record<string, string> = {
  ours: "effect-foundation (default: drop_oldest, 8 MiB buffer)",
  "ours-block": "effect-foundation (overflow: block)",
  "effect-batched": "Effect Logger.batched (1 s window)",
  "pino-async": "pino async (sonic-boom)"
}

export default {
  name: scenario,
  notes: [
    "Burst: each subject in a fresh process; RSS growth = peak RSS (getrusage maxRSS) minus RSS after a 50,000-line warm-up. " +
    "A fiber that never yields never lets the event loop turn, so async writes cannot complete: the sink then writes synchronously each time 1 MiB is buffered with nothing in flight (the loop is busy anyway), so memory stays bounded and nothing is dropped. " +
    "Effect's Logger.batched and pino's async sonic-boom keep every line in memory until the loop turns. " +
    "The baseline runs the default configuration in its own process like every burst subject, for information (no target: peak RSS growth moves by several MB between runs of the same code)."
  ],
  run: async (): Promise<ReadonlyArray<Row>> => {
    const rows: Array<Row> = []
    const base = ensureBaseline()
    for (
      const subject of [
        "ours",
        "ours-block",
        ...(base === undefined ? [] : ["baseline"]),
        "effect-batched",
        "pino-async"
      ]
    ) {
      const r = run(subject)
      const warmLines = 50_000
      const expected = LINES + warmLines - r.dropped
      const warningLines = r.dropped > 0 ? r.lines - expected : 0
      if (warningLines < 0 || warningLines > 1_000) expectLines(subject, r.lines, expected)
      const ours = subject.startsWith("ours")
      const note =
        `${r.lines.toLocaleString("en")} lines in the file (incl. ${warmLines} warm-up${
          warningLines > 0 ? `, ${warningLines} "dropped" warning lines` : ""
        })` +
        `${r.dropped > 0 ? `, ${r.dropped.toLocaleString("en")} dropped by policy` : ""}; burst ${
          r.burstMs.toFixed(0)
        } ms, until written ${r.totalMs.toFixed(0)} ms`
      rows.push({
        scenario,
        subject: subject === "baseline"
          ? `baseline ${base!.short} (default: drop_oldest, 8 MiB buffer)`
          : names[subject]!,
        value: r.rssGrowthMB,
        unit: "MB peak RSS growth",
        ...(ours ? { target: "<= 64 MB", pass: r.rssGrowthMB <= 64 } : {}),
        note
      })
    }
    return rows
  }
} satisfies Scenario
