/**
 * The sink-contract child program (see test/harness/run.ts, which spawns it).
 *
 * It logs exactly `count` numbered JSON lines (`Log.info("line", { i })`, optionally padded) through
 * `FoundationLive` (the target, overflow policy, buffer and deadlines come from the environment:
 * `PROVIDE_LOG_FILE`, `PROVIDE_LOG_OVERFLOW`, `PROVIDE_LOG_SHUTDOWN_TIMEOUT`, ...), then takes the chosen
 * exit path itself, while lines are still buffered or in flight. It only uses the public API.
 *
 * Configuration: one JSON object in the `SINK_CHILD` variable (`ChildConfig`, test/harness/config.ts). With
 * `otlp: true` the lines are also exported over OTLP (`Telemetry.otlp()`, set up by the `OTEL_*` variables).
 *
 * Reports, each one line on stderr (or descriptor `SINK_CHILD_SAY_FD`), written synchronously:
 *   `sink-child: trigger t=<epoch ms> logged=<n> loop-max-ms=<ms>`  the N lines are logged, the exit path starts now
 *   `sink-child: report {...}`                                        (`selfReport`) the `Telemetry.flush(0)` report
 *   `sink-child: closed t=<epoch ms> loop-max-ms=<ms>`                the program (and its layer) ended (runPromise paths)
 *   `sink-child: exit t=<epoch ms> code=<code> loop-max-ms=<ms>`      the process is exiting ("exit" event)
 *   `sink-child: layer-error {"_tag":...,"message":...}`              the layer failed to build
 * `loop-max-ms` is the largest gap between two ticks of a 5 ms heartbeat, minus 5 ms: how long the event loop
 * was blocked at most since the logging started (start-up excluded).
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import type { Layer } from "effect"
import { Cause, Effect, Exit, Option } from "effect"
import { Foundation, FoundationLive, Log, Telemetry } from "effect-foundation"
import * as fs from "node:fs"
import type { ChildConfig, ExitPath } from "./config.js"

const config: ChildConfig = JSON.parse(process.env["SINK_CHILD"] ?? "{}")
/** where the reports go: stderr, or another descriptor when the lines go to stderr (`SINK_CHILD_SAY_FD`) */
const sayFd = Number(process.env["SINK_CHILD_SAY_FD"] ?? 2)
const say = (text: string) => {
  try {
    fs.writeSync(sayFd, `sink-child: ${text}\n`)
  } catch {
    // stderr gone: nothing to say
  }
}

// -- event-loop heartbeat -------------------------------------------------------------

const BEAT = 5
let lastBeat = performance.now()
let loopMax = 0
const beat = () => {
  const now = performance.now()
  loopMax = Math.max(loopMax, now - lastBeat - BEAT)
  lastBeat = now
}
setInterval(beat, BEAT).unref()
/** the max gap so far, including the current one (the loop may be blocked right now) */
const loopMaxNow = () => Math.round(Math.max(loopMax, performance.now() - lastBeat - BEAT))

process.on("exit", (code) => say(`exit t=${Date.now()} code=${code} loop-max-ms=${loopMaxNow()}`))

// -- the lines --------------------------------------------------------------------------

const base = 80 // {"timestamp":"2026-01-01T00:00:00.000Z","level":"info","message":"line","i":123456} + "\n"
const pad = config.size !== undefined && config.size > base + 10 ? "x".repeat(config.size - base - 10) : undefined
const line = (i: number) => (pad === undefined ? Log.info("line", { i }) : Log.info("line", { i, pad }))

const logRange = (from: number, to: number): Effect.Effect<void> => {
  const y = config.yield ?? "never"
  if (y === "forEach8") {
    return Effect.forEach(Array.from({ length: to - from }, (_, k) => from + k), line, {
      concurrency: 8,
      discard: true
    })
  }
  if (y === "never") {
    return Effect.suspend(() => {
      let i = from
      return Effect.whileLoop({ while: () => i < to, body: () => line(i++), step: () => {} })
    })
  }
  const every = Math.max(1, y.every)
  const pause = y.by === "sleep" ? Effect.sleep(0) : Effect.yieldNow()
  return Effect.suspend(() => {
    let i = from
    return Effect.whileLoop({
      while: () => i < to,
      body: () => {
        const k = i++
        // never after the last line: the exit path starts with the last lines still buffered
        return (k + 1) % every === 0 && k + 1 < to ? Effect.zipRight(line(k), pause) : line(k)
      },
      step: () => {}
    })
  })
}

const selfReport = Effect.gen(function*() {
  if (config.selfReport !== true) return
  const r = yield* Telemetry.flush(0)
  say(`report ${JSON.stringify(r)}`)
})

const triggerLine = () => say(`trigger t=${Date.now()} logged=${config.count} loop-max-ms=${loopMaxNow()}`)

/** Sends the signal and keeps running: whoever handles it (runMain, or Node's default action) ends the process. */
const selfSignal = (sig: NodeJS.Signals) =>
  Effect.zipRight(Effect.sync(() => process.kill(process.pid, sig)), Effect.never)

const trigger = (exit: ExitPath): Effect.Effect<void> => {
  switch (exit) {
    case "runMain-SIGTERM":
    case "runPromise-SIGTERM":
      return selfSignal("SIGTERM")
    case "runMain-SIGINT":
    case "runPromise-SIGINT":
      return selfSignal("SIGINT")
    case "process.exit":
      return Effect.sync(() => process.exit(0))
    case "uncaught":
      return Effect.zipRight(
        Effect.sync(() =>
          setTimeout(() => {
            throw new Error("sink-child: uncaught exception from a timer")
          }, 0)
        ),
        Effect.never
      )
    case "rejection":
      return Effect.zipRight(
        Effect.sync(() => void Promise.reject(new Error("sink-child: unhandled rejection"))),
        Effect.never
      )
    case "normal":
      return Effect.void
  }
}

/** start-up (module loading, the layer) is not logging: the heartbeat counts from here */
const resetLoop = Effect.sync(() => {
  lastBeat = performance.now()
  loopMax = 0
})

const lines = Effect.gen(function*() {
  yield* resetLoop
  yield* logRange(0, config.count)
  yield* selfReport
  yield* Effect.sync(triggerLine)
  yield* trigger(config.exit)
})
const program = config.otlp === true ? Effect.provide(lines, Telemetry.otlp()) : lines

const layer: Layer.Layer<never, unknown> = config.neverWriter === true
  ? Foundation.layer({ format: "json", sink: { target: () => Effect.never } })
  : FoundationLive

const reportLayerError = (cause: Cause.Cause<unknown>) => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) {
    const e = failure.value as { _tag?: unknown; message?: unknown }
    say(`layer-error ${JSON.stringify({ _tag: e._tag, message: e.message })}`)
  } else say(`layer-error ${JSON.stringify({ _tag: "Defect", message: Cause.pretty(cause) })}`)
}

if (config.startupOnly === true) {
  const exit = await Effect.runPromiseExit(Log.info("started").pipe(Effect.provide(layer)))
  if (Exit.isFailure(exit)) reportLayerError(exit.cause)
  else say(`closed t=${Date.now()} loop-max-ms=${loopMaxNow()}`)
} else if (config.exit.startsWith("runMain")) {
  program.pipe(Effect.provide(layer), NodeRuntime.runMain)
} else if ((config.runtimes ?? 1) > 1) {
  // several runtimes, each with its own FoundationLive, all writing to the same target at once
  const r = config.runtimes!
  const per = Math.ceil(config.count / r)
  const jobs = Array.from({ length: r }, (_, k) =>
    Effect.runPromiseExit(
      Effect.zipRight(resetLoop, logRange(k * per, Math.min(config.count, (k + 1) * per))).pipe(Effect.provide(layer))
    ))
  const exits = await Promise.all(jobs)
  for (const e of exits) if (Exit.isFailure(e)) reportLayerError(e.cause)
  triggerLine()
  say(`closed t=${Date.now()} loop-max-ms=${loopMaxNow()}`)
} else {
  const exit = await Effect.runPromiseExit(program.pipe(Effect.provide(layer)))
  if (Exit.isFailure(exit)) reportLayerError(exit.cause)
  say(`closed t=${Date.now()} loop-max-ms=${loopMaxNow()}`)
}
