/**
 * The burst scenario's subject on effect 4, in its own process (RSS is per process): 1,000,000 lines from one fiber
 * with no yielding, through `Foundation.layer` of `effect-foundation/effect4` (JSON, the default drop_oldest policy
 * and 8 MiB buffer) to a temp file. Prints one JSON line as bench/burst-child.ts does.
 *
 *   node --import tsx --conditions=source bench/effect4/burst-child.ts <file> [lines]
 */
import { Foundation, Log, Telemetry } from "effect-foundation/effect4"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { countLines } from "../harness.js"

const [file, linesArg] = process.argv.slice(2) as [string, string | undefined]
const LINES = Number(linesArg ?? 1_000_000)
const WARM = 50_000
const fields = (i: number) => ({ user_id: i, path: "/api/items", status: 200 })

const whileN = (n: number, body: (i: number) => Effect.Effect<void>) =>
  Effect.suspend(() => {
    let i = 0
    return Effect.whileLoop({ while: () => i < n, body: () => body(i++), step: () => {} })
  })

const rt = ManagedRuntime.make(Foundation.layer({ format: "json", sink: { target: { file }, exitHook: false } }))
await rt.runPromise(Effect.andThen(whileN(WARM, (i) => Log.info("burst", fields(i))), Telemetry.flush()))
const base = process.memoryUsage().rss
const t0 = performance.now()
await rt.runPromise(whileN(LINES, (i) => Log.info("burst", fields(i))))
const burstMs = performance.now() - t0
const peak = process.resourceUsage().maxRSS * 1024
const report = await rt.runPromise(Telemetry.flush("60 seconds"))
await rt.dispose()
const totalMs = performance.now() - t0
process.stdout.write(
  JSON.stringify({
    subject: "effect4",
    rssGrowthMB: Math.max(0, peak - base) / 2 ** 20,
    lines: countLines(file),
    dropped: report.dropped,
    burstMs,
    totalMs
  }) + "\n"
)
process.exit(0)
