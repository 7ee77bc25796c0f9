/**
 * A disabled level: `Log.debug("msg", { 3 fields })` under INFO (JSON logger
 * and batched sink installed), vs the same call on the baseline copy of the
 * library, vs Effect's bare `Effect.logDebug("msg")` under Effect's default
 * minimum level (INFO) with the default logger. All write nothing; the check
 * is that no line appears. Targets: ours costs <= 2x Effect's; >= 0.95x the
 * baseline's throughput.
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import { type Lib, loadBaseline } from "../baseline.js"
import { compare, expectLines, type Row, type Scenario, versusBaseline } from "../harness.js"
import { fields3, MESSAGE, ours } from "../subjects.js"

const OPS = 100_000
const ROUNDS = 9
const scenario = "disabled level (debug under info)"

const whileN = (n: number, body: (i: number) => Effect.Effect<void>) =>
  Effect.suspend(() => {
    let i = 0
    return Effect.whileLoop({ while: () => i < n, body: () => body(i++), step: () => {} })
  })

export default {
  name: scenario,
  run: async (): Promise<ReadonlyArray<Row>> => {
    const base = await loadBaseline()
    const debug = (L: Lib) => (i: number) => L.Log.debug(MESSAGE, fields3(i))
    const a = ours("effect-foundation Log.debug + 3 fields", { format: "json", op: debug, linesPerOp: 0 })
    const b = base === undefined
      ? undefined
      : ours(`${base.label} Log.debug + 3 fields`, { format: "json", op: debug, linesPerOp: 0, lib: base.lib })
    // Effect's default logger would print to the console: count calls to be sure nothing is printed.
    let printed = 0
    const original = globalThis.console.log
    globalThis.console.log = (..._args: Array<unknown>) => void printed++
    const rt = ManagedRuntime.make(Layer.empty)
    const e = {
      name: "Effect bare Effect.logDebug",
      run: (n: number) => rt.runPromise(whileN(n, () => Effect.logDebug(MESSAGE)))
    }
    const [mA, mE] = await compare([a, e], { ops: OPS, rounds: ROUNDS })
    const vsBase = b === undefined ? undefined : await versusBaseline(scenario, a, b, { ops: OPS / 2, unit: "ns/call" })
    globalThis.console.log = original
    expectLines(a.name, a.lines(), 0)
    if (b !== undefined) expectLines(b.name, b.lines(), 0)
    expectLines(e.name, printed, 0)
    await a.close()
    await b?.close()
    await rt.dispose()
    const ratio = mA!.nsPerOp / mE!.nsPerOp
    const note = `0 lines written by any (checked), ${ROUNDS} rounds of ${OPS.toLocaleString("en")}`
    const rows: Array<Row> = [
      { scenario, subject: e.name, value: mE!.nsPerOp, unit: "ns/call", note },
      {
        scenario,
        subject: a.name,
        value: mA!.nsPerOp,
        unit: "ns/call",
        baseline: e.name,
        ratio,
        target: "<= 2x Effect's cost",
        pass: ratio <= 2
      }
    ]
    if (vsBase !== undefined) rows.push(vsBase.row)
    return rows
  }
} satisfies Scenario
