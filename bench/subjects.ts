/**
 * The loggers the scenarios compare, each writing to /dev/null (or a temp
 * file) and each counting what it wrote, so every scenario can verify its
 * line counts.
 *
 * - ours: what `Foundation.layer` assembles, from the public API: a batched
 *   `LogSink` (`LogSink.make`, target a file, /dev/null by default) registered
 *   for `Telemetry.flush`, and `EmojiLogger.make` writing to it, installed with
 *   `EmojiLogger.install`; the bench keeps the sink to read its counters. Each
 *   timed run ends with `Telemetry.flush(0)`, so the batch writes are inside
 *   the measurement. The same subject runs the baseline copy of the library
 *   (`lib`, see bench/baseline.ts).
 * - pino: `pino(pino.destination({ dest, sync: true }))` (sonic-boom, one
 *   writeSync per line), or async (`minLength: 4096, sync: false`); pino +
 *   pino-pretty (a synchronous stream, no colours).
 * - LogTape: `jsonLinesFormatter` in a function sink; winston: JSON format,
 *   a Stream transport to `fs.createWriteStream("/dev/null")`.
 * - Effect: Effect's own loggers (`Logger.jsonLogger`, `logfmtLogger`,
 *   `prettyLogger`) in place of the default logger, writing through the same
 *   sync sonic-boom destination as pino (cheaper than the `console.log` that
 *   `Logger.json` & co. really use, so the comparison favours Effect), with
 *   fields added the only way Effect offers: `Effect.annotateLogs` per call.
 */
import { configureSync, getLogger, jsonLinesFormatter } from "@logtape/logtape"
import { Console, Effect, Layer, Logger, ManagedRuntime } from "effect"
import * as current from "effect-foundation"
import type { LogSink } from "effect-foundation"
import * as fs from "node:fs"
import * as util from "node:util"
import pino from "pino"
import pinoPretty from "pino-pretty"
import winston from "winston"
import type { Lib } from "./baseline.js"
import { expectLines, type Subject, tempFile } from "./harness.js"

export const MESSAGE = "request handled"
export const fields3 = (i: number) => ({ user_id: i, path: "/api/items", status: 200 })

/** A subject that also knows how many lines it wrote and how many it should have. */
export interface Counted extends Subject {
  /** lines that reached the destination */
  readonly lines: () => number
  /** lines it should have written so far */
  readonly expected: () => number
  readonly close: () => Promise<void>
  /** waits until everything written so far has reached the destination (and checks it did) */
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

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Lets the event loop turn until `done()` (fails after 10 s). */
const turnUntil = async (what: string, done: () => boolean): Promise<void> => {
  const deadline = Date.now() + 10_000
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`bench: ${what} did not finish writing`)
    await nextTurn()
  }
}

const countNewlines = (s: string): number => {
  let n = 0
  for (let k = s.indexOf("\n"); k >= 0; k = s.indexOf("\n", k + 1)) n++
  return n
}

/**
 * A sonic-boom destination that counts the lines handed to it and the bytes it
 * really wrote (its "write" events; the lines here are ASCII, so string length
 * = bytes).
 */
export interface CountingDestination {
  readonly d: ReturnType<typeof pino.destination>
  readonly count: () => number
  readonly accepted: () => number
  readonly written: () => number
}

export const countingDestination = (dest: string, sync: boolean): CountingDestination => {
  const d = pino.destination({ dest, sync, minLength: sync ? 0 : 4096 })
  let n = 0
  let accepted = 0
  let written = 0
  const write = d.write.bind(d)
  d.write = (s: string) => {
    n += countNewlines(s)
    accepted += s.length
    return write(s)
  }
  // async only: a listener on the sync destination would add an emit per line to pino's measured cost
  if (!sync) d.on("write", (bytes: number) => void (written += bytes))
  return { d, count: () => n, accepted: () => accepted, written: () => (sync ? accepted : written) }
}

const whileN = (n: number, body: (i: number) => Effect.Effect<void>) =>
  Effect.suspend(() => {
    let i = 0
    return Effect.whileLoop({ while: () => i < n, body: () => body(i++), step: () => {} })
  })

export type Format = "json" | "key_value"

export interface OursOptions {
  readonly format: Format
  readonly level?: "info" | "debug"
  readonly file?: string
  /** lines per op (for the request scenario) */
  readonly linesPerOp?: number
  /** what one op does, given the library copy (built once per subject) */
  readonly op?: (lib: Lib) => (i: number) => Effect.Effect<void>
  /** the library copy: the current sources (default) or the baseline */
  readonly lib?: Lib
  /** a second logger in this format, to its own sink on a file of its own (every record then makes two lines; two sinks on one file would share one buffer) */
  readonly second?: Format
  /** what a timed run (the loop of ops) runs inside */
  readonly wrap?: (run: Effect.Effect<void>) => Effect.Effect<void>
}

/** effect-foundation: a batched sink + the logger, from the public API; each run ends with Telemetry.flush(0). */
export const ours = (name: string, options: OursOptions): Counted => {
  const L = options.lib ?? current
  const level = options.level ?? "info"
  const sinks: Array<LogSink.LogSink> = []
  const install = (format: Format, file: string) =>
    Effect.gen(function*() {
      const sink = yield* L.LogSink.make({ target: { file }, exitHook: false })
      yield* L.LogSink.registerScoped(sink)
      yield* L.EmojiLogger.install(
        L.EmojiLogger.make({ format, level, colors: false, timestamps: false }, sink.write),
        level
      )
      sinks.push(sink)
    })
  const runtime = ManagedRuntime.make(
    Layer.scopedDiscard(
      Effect.zipRight(
        install(options.format, options.file ?? "/dev/null"),
        options.second === undefined ? Effect.void : install(options.second, tempFile("second"))
      )
    )
  )
  const op = options.op?.(L) ?? ((i: number) => L.Log.info(MESSAGE, fields3(i)))
  const perOp = options.linesPerOp ?? (options.second === undefined ? 1 : 2)
  const wrap = options.wrap ?? ((run: Effect.Effect<void>) => run)
  let expected = 0
  return {
    name,
    run: async (n) => {
      // flush(0): hand what is buffered to the descriptor now, without waiting for the
      // write to complete (it completes between samples, as it would between requests)
      const report = await runtime.runPromise(Effect.zipRight(wrap(whileN(n, op)), L.Telemetry.flush(0)))
      expected += n * perOp
      if (report.failed > 0 || report.dropped > 0) throw new Error(`${name}: flush ${JSON.stringify(report)}`)
    },
    idle: async () => {
      await runtime.runPromise(L.Telemetry.flush())
    },
    settle: async () => {
      const report = await runtime.runPromise(L.Telemetry.flush())
      if (report.status !== "flushed") throw new Error(`${name}: final flush ${JSON.stringify(report)}`)
    },
    lines: () => sinks.reduce((a, s) => a + s.stats().written, 0),
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

/**
 * pino, async sonic-boom (`minLength: 4096, sync: false`). Each timed run ends
 * with `flush()` (start writing what is buffered, like ours' `flush(0)`); the
 * writes complete between samples; before counting, every byte handed to the
 * destination must have been written.
 */
export const pinoAsync = (name: string): Counted => {
  const { accepted, count, d, written } = countingDestination("/dev/null", false)
  const logger = pino({ base: null }, d)
  const ready = new Promise<void>((
    resolve
  ) => ((d as unknown as { fd: number }).fd >= 0 ? resolve() : d.once("ready", () => resolve())))
  // flush(cb) waits for the writes, then fsyncs: EINVAL on /dev/null, which is fine
  const drained = () =>
    new Promise<void>((resolve, reject) =>
      d.flush((err) => (err && (err as NodeJS.ErrnoException).code !== "EINVAL" ? reject(err) : resolve()))
    )
  let expected = 0
  return {
    name,
    run: async (n) => {
      await ready
      for (let i = 0; i < n; i++) logger.info(fields3(i), MESSAGE)
      d.flush()
      expected += n
    },
    idle: drained,
    settle: async () => {
      await ready
      await drained()
      await turnUntil(name, () => written() === accepted())
    },
    lines: () => (written() === accepted() ? count() : -1),
    expected: () => expected,
    close: async () => {
      d.end()
    }
  }
}

/**
 * pino + pino-pretty as a synchronous stream (no colours, otherwise its
 * defaults: the message line, then one line per field: 4 lines per record
 * here) into a sync sonic-boom to /dev/null.
 */
export const pinoWithPretty = (name: string): Counted => {
  const { count, d } = countingDestination("/dev/null", true)
  const logger = pino({ base: null }, pinoPretty({ colorize: false, destination: d, sync: true }))
  let expected = 0
  return {
    name,
    run: async (n) => {
      for (let i = 0; i < n; i++) logger.info(fields3(i), MESSAGE)
      expected += n * 4
      // the stream pipeline may defer work to later ticks: that work is inside the measurement
      await turnUntil(name, () => count() >= expected)
    },
    lines: count,
    expected: () => expected,
    close: async () => {}
  }
}

/** LogTape: `jsonLinesFormatter` in a function sink (LogTape's `Sink` type) writing to a sync sonic-boom on /dev/null. */
export const logTape = (name: string): Counted => {
  const { count, d } = countingDestination("/dev/null", true)
  configureSync({
    sinks: { out: (record) => void d.write(jsonLinesFormatter(record)) },
    loggers: [
      { category: ["bench"], lowestLevel: "info", sinks: ["out"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: [] }
    ]
  })
  const logger = getLogger(["bench"])
  let expected = 0
  return {
    name,
    run: (n) => {
      for (let i = 0; i < n; i++) logger.info(MESSAGE, fields3(i))
      expected += n
    },
    lines: count,
    expected: () => expected,
    close: async () => {}
  }
}

/**
 * winston: `format.combine(format.timestamp(), format.json())` and a Stream
 * transport to `fs.createWriteStream("/dev/null")`. Each timed run lasts until
 * the transport has every line and winston's per-line `setImmediate` ("logged"
 * event) has run; the file stream's async writes complete between samples;
 * before counting, every byte handed to the stream must have been written.
 */
export const winstonJson = (name: string): Counted => {
  const stream = fs.createWriteStream("/dev/null")
  let lines = 0
  let accepted = 0
  const write = stream.write.bind(stream) as (chunk: string) => boolean
  ;(stream as unknown as { write: (chunk: string) => boolean }).write = (chunk: string) => {
    lines += countNewlines(chunk)
    accepted += chunk.length
    return write(chunk)
  }
  const logger = winston.createLogger({
    level: "info",
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Stream({ stream })]
  })
  const allWritten = () => stream.writableLength === 0 && stream.bytesWritten === accepted
  let expected = 0
  return {
    name,
    run: async (n) => {
      for (let i = 0; i < n; i++) logger.info(MESSAGE, fields3(i))
      expected += n
      await nextTurn()
      await turnUntil(name, () => lines >= expected)
    },
    idle: () => turnUntil(name, allWritten),
    settle: () => turnUntil(name, allWritten),
    lines: () => (allWritten() ? lines : -1),
    expected: () => expected,
    close: () => new Promise<void>((resolve) => stream.end(() => resolve()))
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
      const unsafe = {
        ...globalThis.console,
        log,
        group: () => {},
        groupEnd: () => {}
      } as unknown as Console.UnsafeConsole
      const console = { unsafe } as unknown as Console.Console
      return Layer.merge(
        Logger.replace(Logger.defaultLogger, Logger.prettyLogger({ colors: false })),
        Console.setConsole(console)
      )
    },
    4
  )

export const devNullFd = (): number => fs.openSync("/dev/null", "a")
