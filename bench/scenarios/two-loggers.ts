/**
 * A bound logger with two loggers installed: a JSON logger and an emoji
 * console logger (each `EmojiLogger.make` with its own batched sink to
 * /dev/null), and a long-lived `Log.bind({ 3 fields })` logging
 * `log.info("request handled", { step })`: every record is rendered twice.
 * Current code vs the baseline copy of the library, interleaved in one
 * process; ns per record (2 lines). Target: >= 0.95x the baseline.
 */
import { type Lib, loadBaseline } from "../baseline.js"
import { BASELINE_ROUNDS, compare, type Row, type Scenario, versusBaseline } from "../harness.js"
import { type Counted, MESSAGE, ours, verify } from "../subjects.js"

const OPS = 10_000
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
    const a = ours("effect-foundation bound log.info, JSON + console", {
      format: "json",
      second: "key_value",
      op: bound
    })
    const b = base === undefined
      ? undefined
      : ours(`${base.label} bound log.info, JSON + console`, {
        format: "json",
        second: "key_value",
        op: bound,
        lib: base.lib
      })
    const unit = "ns/record (2 lines)"
    // the scenario is the comparison itself: one run of the two (or of ours alone)
    const vsBase = b === undefined ? undefined : await versusBaseline(scenario, a, b, { ops: OPS, unit })
    const current = vsBase?.current.nsPerOp ?? (await compare([a], { ops: OPS, rounds: BASELINE_ROUNDS }))[0]!.nsPerOp
    const subjects: Array<Counted> = [a, ...(b === undefined ? [] : [b])]
    const note = await verify(subjects)
    for (const s of subjects) await s.close()
    return [{ scenario, subject: a.name, value: current, unit, note }, ...(vsBase === undefined ? [] : [vsBase.row])]
  }
} satisfies Scenario
