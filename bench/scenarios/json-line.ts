/**
 * JSON line, message + 3 fields: `Log.info(msg, { 3 fields })` through
 * Foundation.layer (JSON, batched sink to /dev/null) vs pino (sync sonic-boom
 * to /dev/null) vs Effect's `Logger.json` with per-call `Effect.annotateLogs`.
 * Targets: >= 1.0x pino's throughput; >= 5x Effect's Logger.json (issue 2 asked 4x).
 */
import { compare, type Row, type Scenario } from "../harness.js"
import { effectJson, ours, pinoSync, verify } from "../subjects.js"

const OPS = 20_000
const ROUNDS = 11
const scenario = "JSON line, msg + 3 fields"

export default {
  name: scenario,
  notes: [
    "Throughput rows (JSON, console, request): ns per line (or per request), median of 11 interleaved rounds of 20,000 lines in one process; ratio = the other subject's time / ours (> 1: ours is faster). " +
      "Ours = `Foundation.layer` with the batched LogSink to /dev/null; each timed run ends with `Telemetry.flush(0)` (the last batch is handed to the descriptor inside the measurement; the async write completes while the event loop turns between samples, as between requests in a server). " +
      "pino = `pino.destination({ dest: \"/dev/null\", sync: true })`, one writeSync per line. Effect's loggers write through that same sync destination (cheaper than the `console.log` they really use) with fields via per-call `Effect.annotateLogs`. " +
      "Line counts are verified (ours from the sink's counters after a final full flush, the others by counting writes).",
    "Variance: on the shared 2-core VM these ran on (load average 2-3.5 from other jobs), repeated runs gave JSON 0.73-1.09x pino and request 0.68-0.87x pino; pino's own time stays at 1.9-2.2 us/line while ours moves between 1.8 and 2.8 us (GC and the write thread compete for the two cores). The pino targets are met in a quiet run, without margin. " +
      "Where our time goes (`node --cpu-prof`, JSON line): about 20% Effect's fiber runtime running the `Log.info` effect, 20% the formatter (render, fields, jsonString, the escape regex), 15% GC, 5% the clock and ISO timestamp, 7% the sink (array join and UTF-8 encoding of batches)."
  ],

  run: async (): Promise<ReadonlyArray<Row>> => {
    const a = ours("effect-foundation Log.info (JSON)", { format: "json" })
    const p = pinoSync("pino (sync, /dev/null)")
    const e = effectJson()
    const [mA, mP, mE] = await compare([a, p, e], { ops: OPS, rounds: ROUNDS })
    const note = await verify([a, p, e])
    for (const s of [a, p, e]) await s.close()
    const vsPino = mP!.nsPerOp / mA!.nsPerOp
    const vsEffect = mE!.nsPerOp / mA!.nsPerOp
    return [
      { scenario, subject: a.name, value: mA!.nsPerOp, unit: "ns/line", note },
      { scenario, subject: p.name, value: mP!.nsPerOp, unit: "ns/line", baseline: a.name, ratio: vsPino, target: ">= 1.0x (ours vs pino)", pass: vsPino >= 1.0 },
      { scenario, subject: e.name, value: mE!.nsPerOp, unit: "ns/line", baseline: a.name, ratio: vsEffect, target: ">= 5x (ours vs Effect)", pass: vsEffect >= 5 }
    ]
  }
} satisfies Scenario
