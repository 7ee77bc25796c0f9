/**
 * Emoji console line, message + 3 fields (no colours, no timestamp), through
 * Foundation.layer with the batched sink to /dev/null, vs pino sync and
 * Effect's Logger.json / Logger.logFmt / Logger.pretty with per-call
 * `Effect.annotateLogs`. Targets: >= 0.8x pino; >= 5x each Effect logger.
 */
import { compare, type Row, type Scenario } from "../harness.js"
import { effectJson, effectLogFmt, effectPretty, ours, pinoSync, verify } from "../subjects.js"

const OPS = 20_000
const ROUNDS = 11
const scenario = "emoji console line, msg + 3 fields"

export default {
  name: scenario,
  run: async (): Promise<ReadonlyArray<Row>> => {
    const a = ours("effect-foundation Log.info (console)", { format: "key_value" })
    const subjects = [a, pinoSync("pino (sync, /dev/null)"), effectJson(), effectLogFmt(), effectPretty()]
    const m = await compare(subjects, { ops: OPS, rounds: ROUNDS })
    const note = await verify(subjects)
    for (const s of subjects) await s.close()
    const ns = m[0]!.nsPerOp
    const rows: Array<Row> = [{ scenario, subject: a.name, value: ns, unit: "ns/line", note }]
    m.slice(1).forEach((x, k) => {
      const ratio = x.nsPerOp / ns
      const min = k === 0 ? 0.8 : 5
      rows.push({
        scenario,
        subject: x.name,
        value: x.nsPerOp,
        unit: k === 3 ? "ns/record (4 lines)" : "ns/line",
        baseline: a.name,
        ratio,
        target: `>= ${min}x (ours vs ${k === 0 ? "pino" : "Effect"})`,
        pass: ratio >= min
      })
    })
    return rows
  }
} satisfies Scenario
