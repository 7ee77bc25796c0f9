/**
 * Effect 4 (`effect-foundation/effect4`), measured in the same run as everything else:
 *
 * - JSON line, message + 3 fields: ours on effect 4 vs Effect 4's `Logger.consoleJson` with `Effect.annotateLogs`
 *   per call (target >= 5x), and vs ours on effect 3 (the package root) on the same scenario, in a paired run of
 *   the two alone (target: within 10%, effect 3's time / effect 4's >= 0.9);
 * - the burst: 1,000,000 lines from one fiber with no yield, through `Foundation.layer` on effect 4, in its own
 *   process: peak RSS growth (target <= 64 MB), every line accounted for.
 *
 * The effect 4 subjects live in bench/effect4/ (which resolves `effect` to effect 4); both Effects run in this one
 * process, each with its own runtime.
 */
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { effect4ConsoleJson, ours4 } from "../effect4/subjects.js"
import { compare, expectLines, paired, type Row, type Scenario, tempFile } from "../harness.js"
import { type Counted, ours, verify } from "../subjects.js"

const OPS = 20_000
const ROUNDS = 11
const LINES = 1_000_000
const json = "effect 4: JSON line, msg + 3 fields"
const burst = "effect 4: burst, 1,000,000 lines, one fiber, no yield"
const burstChild = fileURLToPath(new URL("../effect4/burst-child.ts", import.meta.url))

interface BurstResult {
  readonly rssGrowthMB: number
  readonly lines: number
  readonly dropped: number
  readonly burstMs: number
  readonly totalMs: number
}

const runBurst = (): BurstResult => {
  const file = tempFile("burst-effect4")
  const out = execFileSync(
    process.execPath,
    ["--expose-gc", "--import", "tsx", "--conditions=source", burstChild, file, String(LINES)],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 120_000 }
  )
  return JSON.parse(out.trim().split("\n").pop()!) as BurstResult
}

export default {
  name: json,
  notes: [
    "Effect 4 rows: ours = `effect-foundation/effect4` assembled as on effect 3 (a batched `LogSink` to /dev/null registered for `Telemetry.flush`, `EmojiLogger.layer` writing to it, each timed run ending with `Telemetry.flush(0)`); Effect 4's `Logger.consoleJson` installed with `Logger.layer`, fields through per-call `Effect.annotateLogs`, its `Console` writing to a sync sonic-boom destination on /dev/null. " +
    "Ours on effect 3 vs ours on effect 4: a paired run of the two alone (41 interleaved rounds, median of the per-round ratios); ratio = effect 3's time / effect 4's (>= 0.9: effect 4 at most about 10% slower). " +
    "The effect 4 burst runs `Foundation.layer` (JSON, default drop_oldest policy, 8 MiB buffer) to a temp file in its own process, as the effect 3 burst subjects do."
  ],

  run: async (): Promise<ReadonlyArray<Row>> => {
    const a4 = ours4("effect-foundation/effect4 Log.info (JSON, effect 4)")
    const e4 = effect4ConsoleJson("Effect 4 Logger.consoleJson + annotateLogs")
    const a3 = ours("effect-foundation Log.info (JSON, effect 3)", { format: "json" })
    const subjects: Array<Counted> = [a4, e4, a3]
    const m = await compare(subjects, { ops: OPS, rounds: ROUNDS })
    const vs3 = await paired(a4, a3, { ops: OPS / 2, unit: "ns/line" })
    const note = await verify(subjects)
    for (const s of subjects) await s.close()
    const ns = (s: Counted) => m[subjects.indexOf(s)]!.nsPerOp
    const ratio = ns(e4) / ns(a4)

    const b = runBurst()
    const warm = 50_000
    const expected = LINES + warm - b.dropped
    const warnings = b.dropped > 0 ? b.lines - expected : 0
    if (warnings < 0 || warnings > 1_000) expectLines("effect4 burst", b.lines, expected)
    return [
      { scenario: json, subject: a4.name, value: ns(a4), unit: "ns/line", note },
      {
        scenario: json,
        subject: e4.name,
        value: ns(e4),
        unit: "ns/line",
        baseline: a4.name,
        ratio,
        target: ">= 5x (ours vs Effect 4)",
        pass: ratio >= 5
      },
      {
        scenario: json,
        subject: `${a3.name}, alone with effect 4's`,
        value: vs3.other.nsPerOp,
        unit: "ns/line",
        baseline: a4.name,
        ratio: vs3.ratio,
        target: ">= 0.9x (effect 4 within 10% of effect 3)",
        pass: vs3.ratio >= 0.9,
        note: vs3.note
      },
      {
        scenario: burst,
        subject: "effect-foundation/effect4 (default: drop_oldest, 8 MiB buffer)",
        value: b.rssGrowthMB,
        unit: "MB peak RSS growth",
        target: "<= 64 MB",
        pass: b.rssGrowthMB <= 64,
        note: `${b.lines.toLocaleString("en")} lines in the file (incl. ${warm} warm-up${
          warnings > 0 ? `, ${warnings} "dropped" warning lines` : ""
        })${b.dropped > 0 ? `, ${b.dropped.toLocaleString("en")} dropped by policy` : ""}; burst ${
          b.burstMs.toFixed(0)
        } ms, until written ${b.totalMs.toFixed(0)} ms`
      }
    ]
  }
} satisfies Scenario
