/**
 * Emoji console line, message + 3 fields (no colours, no timestamp), through
 * the logger with the batched sink to /dev/null, vs the same call on the
 * baseline copy of the library, pino sync (JSON, for scale), pino +
 * pino-pretty (the pretty console people use with pino) and Effect's
 * Logger.json / Logger.logFmt / Logger.pretty with per-call
 * `Effect.annotateLogs`. Targets: >= 0.95x the baseline; >= 0.8x pino;
 * >= 12x pino + pino-pretty; >= 5x each Effect logger.
 */
import { loadBaseline } from "../baseline.js"
import { compare, type Row, type Scenario, versusBaseline } from "../harness.js"
import {
  type Counted,
  effectJson,
  effectLogFmt,
  effectPretty,
  ours,
  pinoSync,
  pinoWithPretty,
  verify
} from "../subjects.js"

const OPS = 20_000
const ROUNDS = 11
const scenario = "emoji console line, msg + 3 fields"

export default {
  name: scenario,
  notes: [
    "Console line: ours and the baseline render `[emoji] message key=value ...` without colours or timestamp. pino + pino-pretty 13 = `pino({ base: null }, pinoPretty({ colorize: false, sync: true, destination }))` " +
    "into a sync sonic-boom on /dev/null, otherwise pino-pretty's defaults (a time + level + message line, then one line per field: 4 lines per record here); its timed run lasts until the destination has every line. " +
    "pino sync (JSON) is there for scale."
  ],
  run: async (): Promise<ReadonlyArray<Row>> => {
    const base = await loadBaseline()
    const a = ours("effect-foundation Log.info (console)", { format: "key_value" })
    const b = base === undefined
      ? undefined
      : ours(`${base.label} Log.info (console)`, { format: "key_value", lib: base.lib })
    const others: Array<{ subject: Counted; unit?: string; target?: { text: string; min: number } }> = [
      { subject: pinoSync("pino (sync, /dev/null)"), target: { text: ">= 0.8x (ours vs pino)", min: 0.8 } },
      {
        subject: pinoWithPretty("pino + pino-pretty (sync stream, no colours)"),
        unit: "ns/record (4 lines)",
        target: { text: ">= 12x (ours vs pino-pretty)", min: 12 }
      },
      { subject: effectJson(), target: { text: ">= 5x (ours vs Effect)", min: 5 } },
      { subject: effectLogFmt(), target: { text: ">= 5x (ours vs Effect)", min: 5 } },
      { subject: effectPretty(), unit: "ns/record (4 lines)", target: { text: ">= 5x (ours vs Effect)", min: 5 } }
    ]
    const subjects = [a, ...others.map((o) => o.subject)]
    const m = await compare(subjects, { ops: OPS, rounds: ROUNDS })
    const vsBase = b === undefined ? undefined : await versusBaseline(scenario, a, b, { ops: OPS / 2, unit: "ns/line" })
    const all = [...subjects, ...(b === undefined ? [] : [b])]
    const note = await verify(all)
    for (const s of all) await s.close()
    const ns = m[0]!.nsPerOp
    const rows: Array<Row> = [
      { scenario, subject: a.name, value: ns, unit: "ns/line", note },
      ...(vsBase === undefined ? [] : [vsBase.row])
    ]
    others.forEach((o, k) => {
      const x = m[k + 1]!
      const ratio = x.nsPerOp / ns
      rows.push({
        scenario,
        subject: o.subject.name,
        value: x.nsPerOp,
        unit: o.unit ?? "ns/line",
        baseline: a.name,
        ratio,
        ...(o.target === undefined ? {} : { target: o.target.text, pass: ratio >= o.target.min })
      })
    })
    return rows
  }
} satisfies Scenario
