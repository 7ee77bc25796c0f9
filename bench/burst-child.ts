/**
 * One subject of the burst scenario, in its own process (RSS is per process):
 * 1,000,000 lines from one fiber (or one JS loop) with no yielding, to a temp
 * file. Prints one JSON line: peak RSS growth over the baseline taken after
 * warm-up, lines in the file, lines dropped (ours), elapsed ms.
 *
 *   node --import tsx --conditions=source bench/burst-child.ts <subject> <file> [lines]
 *   subjects: ours | ours-block | baseline | effect-batched | pino-async
 *   (baseline: ours on the baseline copy of the library, see bench/baseline.ts)
 */
import { Effect, Logger, ManagedRuntime } from "effect"
import * as current from "effect-foundation"
import * as fs from "node:fs"
import pino from "pino"
import { loadBaseline } from "./baseline.js"
import { countLines } from "./harness.js"

const [subject, file, linesArg] = process.argv.slice(2) as [string, string, string | undefined]
const LINES = Number(linesArg ?? 1_000_000)
const WARM = 50_000
const fields = (i: number) => ({ user_id: i, path: "/api/items", status: 200 })

const whileN = (n: number, body: (i: number) => Effect.Effect<void>) =>
  Effect.suspend(() => {
    let i = 0
    return Effect.whileLoop({ while: () => i < n, body: () => body(i++), step: () => {} })
  })

const measure = async (warm: () => Promise<void>, burst: () => Promise<void>, finish: () => Promise<number>) => {
  await warm()
  const base = process.memoryUsage().rss
  const t0 = performance.now()
  await burst()
  const burstMs = performance.now() - t0
  const peak = process.resourceUsage().maxRSS * 1024
  const dropped = await finish()
  const totalMs = performance.now() - t0
  return {
    subject,
    rssGrowthMB: Math.max(0, peak - base) / 2 ** 20,
    lines: countLines(file),
    dropped,
    burstMs,
    totalMs
  }
}

let result
if (subject === "ours" || subject === "ours-block" || subject === "baseline") {
  const { Foundation, Log, Telemetry } = subject === "baseline" ? (await loadBaseline())?.lib ?? current : current
  const rt = ManagedRuntime.make(Foundation.layer({
    format: "json",
    sink: { target: { file }, exitHook: false, ...(subject === "ours-block" ? { overflow: "block" as const } : {}) }
  }))
  let dropped = 0
  result = await measure(
    () =>
      rt.runPromise(Effect.zipRight(whileN(WARM, (i) => Log.info("burst", fields(i))), Telemetry.flush())).then(
        () => {}
      ),
    () => rt.runPromise(whileN(LINES, (i) => Log.info("burst", fields(i)))),
    async () => {
      const r = await rt.runPromise(Telemetry.flush("60 seconds"))
      dropped = r.dropped
      await rt.dispose()
      return dropped
    }
  )
} else if (subject === "effect-batched") {
  const fd = fs.openSync(file, "a")
  const layer = Logger.replaceScoped(
    Logger.defaultLogger,
    Logger.jsonLogger.pipe(Logger.batched("1 second", (batch) =>
      Effect.sync(() => {
        if (batch.length > 0) fs.writeSync(fd, batch.join("\n") + "\n")
      })))
  )
  const rt = ManagedRuntime.make(layer)
  result = await measure(
    () => rt.runPromise(whileN(WARM, (i) => Effect.annotateLogs(Effect.logInfo("burst"), fields(i)))),
    () => rt.runPromise(whileN(LINES, (i) => Effect.annotateLogs(Effect.logInfo("burst"), fields(i)))),
    async () => {
      await rt.dispose() // the batched logger flushes what is left when its scope closes
      fs.closeSync(fd)
      return 0
    }
  )
} else if (subject === "pino-async") {
  const dest = pino.destination({ dest: file, sync: false })
  const logger = pino({ base: null }, dest)
  result = await measure(
    async () => {
      await new Promise<void>((
        r
      ) => ((dest as unknown as { fd: number }).fd >= 0 ? r() : dest.once("ready", () => r())))
      for (let i = 0; i < WARM; i++) logger.info(fields(i), "burst")
      await new Promise<void>((r) => dest.flush(() => r()))
    },
    async () => {
      for (let i = 0; i < LINES; i++) logger.info(fields(i), "burst")
    },
    async () => {
      await new Promise<void>((r) => dest.flush(() => r()))
      dest.flushSync()
      return 0
    }
  )
} else {
  throw new Error(`unknown subject ${subject}`)
}
process.stdout.write(JSON.stringify(result) + "\n")
process.exit(0)
