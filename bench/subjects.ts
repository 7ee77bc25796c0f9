/**
 * The loggers the scenarios compare, each writing to /dev/null (or a temp
 * file) and each counting what it wrote, so every scenario can verify its
 * line counts.
 *
 * - ours: `Foundation.layer` (the real layer: formatter + batched LogSink),
 *   target a file (/dev/null by default); each timed run ends with
 *   `Telemetry.flush()`, so the batch writes are inside the measurement.
 * - pino: `pino(pino.destination({ dest, sync: true }))` (sonic-boom, one
 *   writeSync per line), or async.
 * - Effect: Effect's own loggers (`Logger.jsonLogger`, `logfmtLogger`,
 *   `prettyLogger`) in place of the default logger, writing through the same
 *   sync sonic-boom destination as pino (cheaper than the `console.log` that
 *   `Logger.json` & co. really use, so the comparison favours Effect), with
 *   fields added the only way Effect offers: `Effect.annotateLogs` per call.
 */
import { Console, Effect, FiberRef, Layer, Logger, ManagedRuntime } from "effect"
import { Foundation, Log, type LogSink, Telemetry } from "effect-foundation"
import { currentFlushables } from "../src/internal/flush.js"
import * as fs from "node:fs"
import pino from "pino"
import * as util from "node:util"
import { expectLines, type Subject } from "./harness.js"

export const MESSAGE = "request handled"
export const fields3 = (i: number) => ({ user_id: i, path: "/api/items", status: 200 })

/** A subject that also knows how many lines it wrote and how many it should have. */
export interface Counted extends Subject {
  /** lines that reached the destination */
  readonly lines: () => number
  /** lines it should have written so far */
  readonly expected: () => number
  readonly close: () => Promise<void>
  /** waits until everything written so far has reached the destination */
  readonly settle?: () => Promise<void>
}

export const verify = async (subjects: ReadonlyArray<Counted>): Promise<string> => {
  let total = 0
  for (const s of subjects) {
    await s.settle?.()
    expectLines(s.name, s.lines(), s.expected())
    total += s.lines()
  }
  return `${total.toLocaleString("en")} lines written and counted`
}

/** A sonic-boom destination that counts lines (by counting write calls of whole lines). */
const countingDestination = (dest: string, sync: boolean) => {
  const d = pino.destination({ dest, sync, minLength: sync ? 0 : 4096 })
  let n = 0
  const write = d.write.bind(d)
  d.write = (s: string) => {
    for (let k = s.indexOf("\n"); k >= 0; k = s.indexOf("\n", k + 1)) n++
    return write(s)
  }
  return { d, count: () => n }
}

const whileN = (n: number, body: (i: number) => Effect.Effect<void>) =>
  Effect.suspend(() => {
    let i = 0
    return Effect.whileLoop({ while: () => i < n, body: () => body(i++), step: () => {} })
  })

export interface OursOptions {
  readonly format: "json" | "key_value"
  readonly level?: "info" | "debug"
  readonly file?: string
  /** lines per op (for the request scenario) */
  readonly linesPerOp?: number
  /** what one op does */
  readonly op?: (i: number) => Effect.Effect<void>
  /** what a timed run (the loop of ops) runs inside */
  readonly wrap?: (run: Effect.Effect<void>) => Effect.Effect<void>
}

/** effect-foundation through Foundation.layer; each run ends with Telemetry.flush(). */
export const ours = (name: string, options: OursOptions): Counted => {
  const file = options.file ?? "/dev/null"
  const runtime = ManagedRuntime.make(
    Foundation.layer({
      format: options.format,
      level: options.level ?? "info",
      colors: false,
      timestamps: false,
      sink: { target: { file }, exitHook: false }
    })
  )
  const op = options.op ?? ((i: number) => Log.info(MESSAGE, fields3(i)))
  const perOp = options.linesPerOp ?? 1
  const wrap = options.wrap ?? ((run: Effect.Effect<void>) => run)
  let expected = 0
  // the sink Foundation.layer registered (for its counters)
  let sink: LogSink.LogSink | undefined
  return {
    name,
    run: async (n) => {
      // flush(0): hand what is buffered to the descriptor now, without waiting for the
      // write to complete (it overlaps the next run, as it would in a running program)
      const report = await runtime.runPromise(Effect.zipRight(wrap(whileN(n, op)), Telemetry.flush(0)))
      sink ??= (await runtime.runPromise(FiberRef.get(currentFlushables)))[0] as LogSink.LogSink
      expected += n * perOp
      if (report.failed > 0 || report.dropped > 0) throw new Error(`${name}: flush ${JSON.stringify(report)}`)
    },
    settle: async () => {
      const report = await runtime.runPromise(Telemetry.flush())
      if (report.status !== "flushed") throw new Error(`${name}: final flush ${JSON.stringify(report)}`)
    },
    lines: () => sink?.stats().written ?? 0,
    expected: () => expected,
    close: () => runtime.dispose()
  }
}

/** pino, sync sonic-boom (one writeSync per line), like pino's own benchmarks. */
export const pinoSync = (name: string, options: { readonly file?: string; readonly child?: boolean } = {}): Counted => {
  const { d, count } = countingDestination(options.file ?? "/dev/null", true)
  const logger = pino({ base: null }, d)
  let expected = 0
  return {
    name,
    run: (n) => {
      for (let i = 0; i < n; i++) logger.info(fields3(i), MESSAGE)
      expected += n
    },
    lines: count,
    expected: () => expected,
    close: async () => {}
  }
}

/** Effect's own loggers via annotateLogs per call; `lineOf` turns the logger output into what is written. */
const effectLogger = (
  name: string,
  layer: (write: (s: string) => void) => Layer.Layer<never>,
  linesPerRecord: number
): Counted => {
  const { d, count } = countingDestination("/dev/null", true)
  const runtime = ManagedRuntime.make(layer((s) => d.write(s)))
  let expected = 0
  return {
    name,
    run: async (n) => {
      await runtime.runPromise(whileN(n, (i) => Effect.annotateLogs(Effect.logInfo(MESSAGE), fields3(i))))
      expected += n * linesPerRecord
    },
    lines: count,
    expected: () => expected,
    close: () => runtime.dispose()
  }
}

export const effectJson = (): Counted =>
  effectLogger(
    "Effect Logger.json + annotateLogs",
    (write) => Logger.replace(Logger.defaultLogger, Logger.map(Logger.jsonLogger, (s) => write(s + "\n"))),
    1
  )

export const effectLogFmt = (): Counted =>
  effectLogger(
    "Effect Logger.logFmt + annotateLogs",
    (write) => Logger.replace(Logger.defaultLogger, Logger.map(Logger.logfmtLogger, (s) => write(s + "\n"))),
    1
  )

/** Logger.pretty (no colours) prints the header line plus one line per annotation: 4 lines per record here. */
export const effectPretty = (): Counted =>
  effectLogger(
    "Effect Logger.pretty + annotateLogs",
    (write) => {
      const log = (...args: ReadonlyArray<unknown>) => write(util.format(...args) + "\n")
      const unsafe = { ...globalThis.console, log, group: () => {}, groupEnd: () => {} } as unknown as Console.UnsafeConsole
      const console = { unsafe } as unknown as Console.Console
      return Layer.merge(
        Logger.replace(Logger.defaultLogger, Logger.prettyLogger({ colors: false })),
        Console.setConsole(console)
      )
    },
    4
  )

export const devNullFd = (): number => fs.openSync("/dev/null", "a")
