/**
 * A request: bind 3 fields once, then 10 lines (each with one call field).
 * effect-foundation `Log.bind({ 3 fields })` + 10 × `log.info("step", { step })`
 * (JSON, batched sink to /dev/null) vs pino `logger.child({ 3 fields })` + 10 ×
 * `child.info({ step }, "step")` (sync sonic-boom to /dev/null).
 * The same on the baseline copy of the library.
 * Targets: >= 0.8x pino's throughput; >= 0.95x the baseline's. Values are ns
 * per request (10 lines).
 */
import { Effect } from "effect"
import pino from "pino"
import { type Lib, loadBaseline } from "../baseline.js"
import { compare, type Row, type Scenario, versusBaseline } from "../harness.js"
import { ours, verify } from "../subjects.js"

const OPS = 2_000 // requests per timed run (20,000 lines)
const ROUNDS = 11
const scenario = "request: bind 3 fields, 10 lines"

const request = (L: Lib) => (i: number) =>
  Effect.suspend(() => {
    const log = L.Log.bind({ request_id: "req-" + i, method: "GET", path: "/api/items" })
    let k = 0
    return Effect.whileLoop({ while: () => k < 10, body: () => log.info("step", { step: k++ }), step: () => {} })
  })

const pinoChild = () => {
  const dest = pino.destination({ dest: "/dev/null", sync: true })
  let lines = 0
  const write = dest.write.bind(dest)
  dest.write = (s: string) => (lines++, write(s))
  const logger = pino({ base: null }, dest)
  let expected = 0
  return {
    name: "pino child logger (sync, /dev/null)",
    run: (n: number) => {
      for (let i = 0; i < n; i++) {
        const child = logger.child({ request_id: "req-" + i, method: "GET", path: "/api/items" })
        for (let k = 0; k < 10; k++) child.info({ step: k }, "step")
      }
      expected += n * 10
    },
    lines: () => lines,
    expected: () => expected,
    close: async () => {}
  }
}

export default {
  name: scenario,
  run: async (): Promise<ReadonlyArray<Row>> => {
    const base = await loadBaseline()
    const a = ours("effect-foundation Log.bind + 10 × info (JSON)", { format: "json", op: request, linesPerOp: 10 })
    const b = base === undefined
      ? undefined
      : ours(`${base.label} Log.bind + 10 × info (JSON)`, {
        format: "json",
        op: request,
        linesPerOp: 10,
        lib: base.lib
      })
    const p = pinoChild()
    const [mA, mP] = await compare([a, p], { ops: OPS, rounds: ROUNDS })
    const vsBase = b === undefined
      ? undefined
      : await versusBaseline(scenario, a, b, { ops: OPS / 2, unit: "ns/request" })
    const note = await verify([a, p, ...(b === undefined ? [] : [b])])
    await a.close()
    await b?.close()
    const ratio = mP!.nsPerOp / mA!.nsPerOp
    const rows: Array<Row> = [
      { scenario, subject: a.name, value: mA!.nsPerOp, unit: "ns/request", note },
      {
        scenario,
        subject: p.name,
        value: mP!.nsPerOp,
        unit: "ns/request",
        baseline: a.name,
        ratio,
        target: ">= 0.8x (ours vs pino)",
        pass: ratio >= 0.8
      }
    ]
    if (vsBase !== undefined) rows.push(vsBase.row)
    return rows
  }
} satisfies Scenario
