/**
 * Server-like load: 10 fibers, each logging its share of 100,000 lines/s
 * (JSON, message + 3 fields) in small bursts between `Effect.sleep("1 millis")`,
 * for 3 s, through Foundation.layer to a temp file. Measures the event-loop
 * delay with `perf_hooks.monitorEventLoopDelay` (resolution 1 ms).
 * Target: p99 <= 10 ms. The file's line count is verified.
 */
import { Clock, Effect, ManagedRuntime } from "effect"
import { Foundation, Log, Telemetry } from "effect-foundation"
import { monitorEventLoopDelay } from "node:perf_hooks"
import { countLines, expectLines, type Row, type Scenario, tempFile } from "../harness.js"

const RATE = 100_000 // lines per second, all fibers together
const FIBERS = 10
const SECONDS = 3
const scenario = "server-like loop, 100k lines/s with yields"

export default {
  name: scenario,
  notes: [
    "Event loop: 10 fibers share 100,000 lines/s for 3 s (each wakes every ~1 ms and logs what is due), JSON to a temp file; `monitorEventLoopDelay` at 1 ms resolution."
  ],
  run: async (): Promise<ReadonlyArray<Row>> => {
    const file = tempFile("event-loop")
    const rt = ManagedRuntime.make(Foundation.layer({ format: "json", sink: { target: { file }, exitHook: false } }))
    const perFiber = RATE / FIBERS
    const worker = (w: number) =>
      Effect.gen(function*() {
        const start = yield* Clock.currentTimeMillis
        let sent = 0
        for (;;) {
          const now = yield* Clock.currentTimeMillis
          const elapsed = now - start
          if (elapsed >= SECONDS * 1000) return sent
          const due = Math.floor((elapsed / 1000) * perFiber)
          while (sent < due) {
            yield* Log.info("request handled", { worker: w, seq: sent, path: "/api/items" })
            sent++
          }
          yield* Effect.sleep("1 millis")
        }
      })
    // warm up the code paths first (not measured)
    await rt.runPromise(
      Effect.zipRight(Effect.forEach([0, 1], (w) => Log.info("warm", { worker: w })), Telemetry.flush())
    )
    const h = monitorEventLoopDelay({ resolution: 1 })
    h.enable()
    const t0 = performance.now()
    const sent = await rt.runPromise(
      Effect.forEach(Array.from({ length: FIBERS }, (_, w) => w), worker, { concurrency: "unbounded" })
    )
    h.disable()
    const seconds = (performance.now() - t0) / 1000
    await rt.runPromise(Telemetry.flush("30 seconds"))
    await rt.dispose()
    const total = sent.reduce((a, b) => a + b, 0)
    expectLines(scenario, countLines(file), total + 2)
    const p99 = h.percentile(99) / 1e6
    const note =
      `${total.toLocaleString("en")} lines in ${seconds.toFixed(1)} s (${
        Math.round(total / seconds).toLocaleString("en")
      } lines/s) verified in the file; ` +
      `delay p50 ${(h.percentile(50) / 1e6).toFixed(1)} ms, max ${(h.max / 1e6).toFixed(1)} ms`
    return [{
      scenario,
      subject: "effect-foundation, 10 fibers, file target",
      value: p99,
      unit: "ms event-loop delay p99",
      target: "<= 10 ms",
      pass: p99 <= 10,
      note
    }]
  }
} satisfies Scenario
