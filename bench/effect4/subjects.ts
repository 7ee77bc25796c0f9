/**
 * The Effect 4 subjects (this folder resolves `effect` to effect 4: bench/effect4/node_modules links the Effect 4
 * line's packages, as src/effect4/node_modules does):
 *
 * - ours on effect 4: what `Foundation.layer` of `effect-foundation/effect4` assembles, from its public API, as
 *   `ours` in bench/subjects.ts builds it on effect 3: a batched `LogSink` to /dev/null registered for
 *   `Telemetry.flush` (`Telemetry.CurrentFlushables`) and `EmojiLogger.layer` writing to it (effect 4's logger set
 *   and the registry are references a layer provides); each timed run ends with `Telemetry.flush(0)`.
 * - Effect 4's `Logger.consoleJson` (installed with `Logger.layer`) with fields through `Effect.annotateLogs` per
 *   call, its `Console` writing to the same sync sonic-boom destination on /dev/null as Effect 3's loggers in
 *   bench/subjects.ts (cheaper than the real `console.log`).
 */
import { EmojiLogger, Log, LogSink, Telemetry } from "effect-foundation/effect4"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { type Counted, countingDestination, fields3, MESSAGE } from "../subjects.js"

const whileN = (n: number, body: (i: number) => Effect.Effect<void>) =>
  Effect.suspend(() => {
    let i = 0
    return Effect.whileLoop({ while: () => i < n, body: () => body(i++), step: () => {} })
  })

/** effect-foundation/effect4: a batched sink + the logger, from the public API; each run ends with Telemetry.flush(0). */
export const ours4 = (name: string, options: { readonly file?: string } = {}): Counted => {
  const sinks: Array<LogSink.LogSink> = []
  // effect 4's idiom: the logger set and the flush registry are context references a layer provides
  const runtime = ManagedRuntime.make(Layer.unwrap(Effect.map(
    LogSink.make({ target: { file: options.file ?? "/dev/null" }, exitHook: false }),
    (sink) => {
      sinks.push(sink)
      return Layer.merge(
        EmojiLogger.layer({ format: "json", level: "info", colors: false, timestamps: false }, sink.write),
        Layer.succeed(Telemetry.CurrentFlushables, [sink])
      )
    }
  )))
  let expected = 0
  return {
    name,
    run: async (n) => {
      const report = await runtime.runPromise(
        Effect.andThen(whileN(n, (i) => Log.info(MESSAGE, fields3(i))), Telemetry.flush(0))
      )
      expected += n
      if (report.failed > 0 || report.dropped > 0) throw new Error(`${name}: flush ${JSON.stringify(report)}`)
    },
    idle: async () => {
      await runtime.runPromise(Telemetry.flush())
    },
    settle: async () => {
      const report = await runtime.runPromise(Telemetry.flush())
      if (report.status !== "flushed") throw new Error(`${name}: final flush ${JSON.stringify(report)}`)
    },
    lines: () => sinks.reduce((a, s) => a + s.stats().written, 0),
    expected: () => expected,
    close: () => runtime.dispose()
  }
}

/** Effect 4's `Logger.consoleJson` with `Effect.annotateLogs` per call. */
export const effect4ConsoleJson = (name: string): Counted => {
  const { count, d } = countingDestination("/dev/null", true)
  const console: Console.Console = Object.assign(Object.create(globalThis.console), {
    log: (line: string) => void d.write(line + "\n")
  })
  const runtime = ManagedRuntime.make(
    Layer.merge(Logger.layer([Logger.consoleJson]), Layer.succeed(Console.Console, console))
  )
  let expected = 0
  return {
    name,
    run: async (n) => {
      await runtime.runPromise(whileN(n, (i) => Effect.annotateLogs(Effect.logInfo(MESSAGE), fields3(i))))
      expected += n
    },
    lines: count,
    expected: () => expected,
    close: () => runtime.dispose()
  }
}
