/**
 * A bound logger with two loggers installed: a JSON logger and an emoji
 * console logger (each `EmojiLogger.make` with its own batched sink to
 * /dev/null), and a long-lived `Log.bind({ 3 fields })` logging
 * `log.info("request handled", { step })`: every record is rendered twice.
 * Current code vs the baseline copy of the library, interleaved in one
 * process; ns per record (2 lines). Target: >= 0.95x the baseline.
 */
import { type Lib, loadBaseline } from "../baseline.js"
import { compare, cpuNote, pairedRatio, type Row, type Scenario } from "../harness.js"
import { type Counted, MESSAGE, ours, verify } from "../subjects.js"

const OPS = 20_000
const ROUNDS = 11
const scenario = "bound logger, JSON + console loggers"

const bound = (L: Lib) => {
  const log = L.Log.bind({ service: "checkout", region: "eu-west-1", instance: "web-1" })
  return (i: number) => log.info(MESSAGE, { step: i })
}

export default {
  name: scenario,
  notes: [
    "Two loggers: `Log.bind` once (3 fields), then `log.info(msg, { step })` with a JSON logger and an emoji console logger installed " +
      "(two `EmojiLogger.make` loggers, each with its own batched sink to /dev/null), so each record is rendered by both formatters; ns per record."
  ],
  run: async (): Promise<ReadonlyArray<Row>> => {
    const base = await loadBaseline()
    const a = ours("effect-foundation bound log.info, JSON + console", { format: "json", second: "key_value", op: bound })
    const b = base === undefined
      ? undefined
      : ours(`${base.label} bound log.info, JSON + console`, { format: "json", second: "key_value", op: bound, lib: base.lib })
    const subjects: Array<Counted> = [a, ...(b === undefined ? [] : [b])]
    const [mA, mB] = await compare(subjects, { ops: OPS, rounds: ROUNDS })
    const note = await verify(subjects)
    for (const s of subjects) await s.close()
    const rows: Array<Row> = [{ scenario, subject: a.name, value: mA!.nsPerOp, unit: "ns/record (2 lines)", note }]
    if (b !== undefined) {
      const ratio = pairedRatio(mA!, mB!)
      rows.push({ scenario, subject: b.name, value: mB!.nsPerOp, unit: "ns/record (2 lines)", baseline: a.name, ratio, target: ">= 0.95x (current vs baseline)", pass: ratio >= 0.95, note: cpuNote(mA!, mB!) })
    }
    return rows
  }
} satisfies Scenario
