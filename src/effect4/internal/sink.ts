/**
 * The sink's Effect 4 binding over the core's batching (`src/core/sink.ts`, where the hot path is): the sink acquired
 * in a scope, the interval fiber on the `Clock`, `flush` and `shutdown` as Effects with deadlines, the exit hook and
 * the drivers every runtime has (the `Console`, a user writer) or the platform's (`#platform`, Effect-free). Sinks on
 * the same descriptor or file share one queue. Nothing here throws into the program. The same behaviour as the
 * Effect 3 binding's `src/internal/sink.ts`.
 *
 * @internal
 */
import { platform } from "#platform"
import type * as Clock from "effect/Clock"
import * as Console from "effect/Console"
import type * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { consoleDriver } from "../../core/consoleDriver.js"
import type { Driver, FileHooks } from "../../core/driver.js"
import { SinkCore } from "../../core/sink.js"
import { describeTarget } from "../../core/sinkConfig.js"
import { errorText } from "../../core/sinkReports.js"
import type { FlushReport, Options, Target } from "../LogSink.js"
import { globalValue } from "./globalValue.js"
import { checkSignal, resolveRotation, rotateOnTime } from "./rotation.js"
import { writerDriver } from "./writerDriver.js"

/** @internal */
export const defaults: Options = {
  target: "stdout",
  flushSize: 64 * 1024,
  flushInterval: Duration.millis(100),
  maxBufferBytes: 8 * 1024 * 1024,
  overflow: "drop_oldest",
  shutdownTimeout: Duration.seconds(5),
  exitHook: true
}

/** @internal */
export class LogSinkError extends Data.TaggedError("LogSinkError")<{
  readonly message: string
  readonly target: string
  readonly cause?: unknown
}> {}

const timedOutReport = (dropped: number): FlushReport => ({
  status: "timed_out",
  written: 0,
  failed: 0,
  pending: 0,
  dropped,
  durationMillis: 0
})

/** @internal */
export class Sink extends SinkCore {
  readonly shutdownTimeout: Duration.Duration
  /** Removes the `reopenOnSignal` handler. */
  removeSignal: (() => void) | undefined = undefined
  private shutdownReport: Promise<FlushReport> | undefined = undefined
  private shutdownDone: FlushReport | undefined = undefined
  private removeExitHook: (() => void) | undefined = undefined
  /** Holders of a shared sink (same descriptor or file). */
  refs = 1

  constructor(
    readonly options: Options,
    driver: Driver,
    clock: Clock.Clock,
    report: (text: string) => void,
    readonly key: string | undefined
  ) {
    super(options, driver, () => clock.currentTimeMillisUnsafe(), report)
    this.shutdownTimeout = Duration.fromInputUnsafe(options.shutdownTimeout)
    if (options.exitHook && platform !== undefined) {
      const timeout = Duration.toMillis(this.shutdownTimeout)
      this.removeExitHook = platform.onExit((remaining) => this.atExit(remaining(timeout)))
    }
  }

  /** Resumes when the queue is under its bound. */
  readonly room: Effect.Effect<void> = Effect.callback<void>((resume) => {
    const cancel = this.queue.onRoom(() => resume(Effect.void))
    return cancel === undefined ? undefined : Effect.sync(cancel)
  })

  /** Waits until every line queued now has left (or failed), at most `deadline`. */
  readonly flush = (deadline?: Duration.Input): Effect.Effect<FlushReport> =>
    Effect.suspend(() => {
      const mark = this.startFlush()
      if (this.flushed(mark)) return Effect.succeed(this.flushResult(mark, false))
      const limit = Duration.fromInputUnsafe(deadline ?? this.shutdownTimeout)
      // a zero deadline: start the write, do not wait for it
      if (Duration.toMillis(limit) <= 0) return Effect.succeed(this.flushResult(mark, true))
      const wait = Effect.callback<boolean>((resume) => {
        const cancel = this.onFlushed(mark, () => resume(Effect.succeed(false)))
        return cancel === undefined ? undefined : Effect.sync(cancel)
      })
      // The wait is interruptible even inside a finalizer (which is not), so the deadline can cut it.
      return Effect.interruptible(wait).pipe(
        Effect.timeoutOrElse({ duration: limit, orElse: () => Effect.succeed(true) }),
        Effect.map((timedOut) => this.flushResult(mark, timedOut))
      )
    })

  /** Flushes within the deadline, then closes: what could not be written is dropped and reported. Idempotent. */
  readonly shutdown = (deadline?: Duration.Input): Effect.Effect<FlushReport> =>
    Effect.suspend(() => {
      if (this.shutdownDone !== undefined) return Effect.succeed(this.shutdownDone)
      if (this.shutdownReport !== undefined) return Effect.promise(() => this.shutdownReport!)
      let resolve!: (r: FlushReport) => void
      this.shutdownReport = new Promise<FlushReport>((r) => (resolve = (report) => {
        this.shutdownDone = report
        r(report)
      }))
      const mark = this.startShutdown()
      return this.flush(deadline).pipe(
        Effect.ensuring(Effect.sync(() => this.close(`not written within the shutdown deadline`))),
        Effect.map((r) => this.shutdownResult(r, mark)),
        Effect.tap((report) => Effect.sync(() => resolve(report))),
        Effect.onInterrupt(() => Effect.sync(() => resolve(timedOutReport(this.queue.dropped))))
      )
    })

  protected override detach(): void {
    this.removeExitHook?.()
    this.removeExitHook = undefined
    this.removeSignal?.()
    this.removeSignal = undefined
  }

  protected override closedDriver(): void {
    if (this.key !== undefined && shared.get(this.key) === this) shared.delete(this.key)
  }

  /** Files: opens the path again (after external rotation); `false` when it could not (reported once). */
  reopen(): Effect.Effect<boolean> {
    return Effect.sync(() => this.reopenNow())
  }
}

/** Open sinks by destination: two layers writing to one stdout share one queue, so their lines never splice. */
const shared: Map<string, Sink> = globalValue(Symbol.for("effect-foundation/effect4/LogSink/shared"), () => new Map())

const consoleLog = (console: Console.Console, stream: "log" | "error") =>
  stream === "log" ? (line: string) => console.log(line) : (line: string) => console.error(line)

const standard = (target: "stdout" | "stderr", console: Console.Console): Driver =>
  consoleDriver(target, consoleLog(console, target === "stdout" ? "log" : "error"))

const driverFor = (
  target: Target,
  services: Context.Context<never>,
  console: Console.Console,
  hooks: FileHooks
): Driver => {
  if (typeof target === "function") return writerDriver(target, services)
  if (target === "console") return consoleDriver("console", consoleLog(console, "log"))
  if (platform === undefined) {
    if (target === "stdout" || target === "stderr") return standard(target, console)
    throw new Error("file and descriptor targets need a runtime with a file system (Node, Bun, Deno)")
  }
  try {
    if (typeof target === "object" && "file" in target) {
      const rotation = target.rotate === undefined ? undefined : resolveRotation(target.rotate)
      checkSignal(target)
      return platform.open(rotation === undefined ? { file: target.file } : { file: target.file, rotation }, hooks)
    }
    return platform.open(target)
  } catch (e) {
    // stdout / stderr where descriptors cannot be used (Deno without permissions): the Console
    if (target === "stdout" || target === "stderr") return standard(target, console)
    throw e
  }
}

/**
 * Reports go to stderr; when stderr cannot take one, to stdout. Without a platform: the `Console`.
 */
const defaultReport = (console: Console.Console) => (text: string): void => {
  if (platform !== undefined) {
    if (!platform.report(text, "stderr")) platform.report(text, "stdout")
    return
  }
  try {
    console.error(text.endsWith("\n") ? text.slice(0, -1) : text)
  } catch {
    // nowhere left to tell
  }
}

/**
 * Whether stdout / stderr is a terminal (false without a platform).
 *
 * @internal
 */
export const isTerminal = (stream: "stdout" | "stderr"): boolean => platform?.isTerminal(stream) ?? false

const keyOf = (target: Target): string | undefined =>
  platform === undefined || typeof target === "function" || target === "console"
    ? undefined
    : platform.keyOf(target as Exclude<Target, "console" | ((chunk: string) => unknown)>)

const openError = (target: Target, e: unknown) =>
  new LogSinkError({
    message: `cannot open log ${describeTarget(target)}${
      typeof target === "object" && "file" in target ? " (PROVIDE_LOG_FILE)" : ""
    }: ${errorText(e)}`,
    target: describeTarget(target),
    cause: e
  })

const open = (options: Options, key: string | undefined): Effect.Effect<Sink, LogSinkError> =>
  Effect.gen(function*() {
    const services = yield* Effect.context<never>()
    const console = yield* Effect.service(Console.Console)
    const clock = yield* Effect.clockWith(Effect.succeed)
    // the driver reaches the sink (made after it) through these
    let made: Sink | undefined
    const hooks: FileHooks = {
      now: () => clock.currentTimeMillisUnsafe(),
      rotated: () => void (made !== undefined && made.rotations++),
      failed: (e) => made?.rotationFailed(e)
    }
    const driver = yield* Effect.try({
      try: () => driverFor(options.target, services, console, hooks),
      catch: (e) => openError(options.target, e)
    })
    const sink = made = new Sink(options, driver, clock, options.report ?? defaultReport(console), key)
    if (key !== undefined) shared.set(key, sink)
    const signal = typeof options.target === "object" && "file" in options.target
      ? options.target.reopenOnSignal
      : undefined
    if (signal !== undefined && platform?.onSignal !== undefined) {
      sink.removeSignal = platform.onSignal(signal, () => void sink.reopenNow())
    }
    return sink
  })

/**
 * The sink for `options.target` for the scope: a new one, or the open one on the same destination (shared; the first
 * holder's options apply). Leaving the scope shuts it down when it was the last holder, else flushes it.
 *
 * @internal
 */
export const acquire = (options: Options): Effect.Effect<Sink, LogSinkError, Scope.Scope> =>
  Effect.gen(function*() {
    const key = keyOf(options.target)
    const existing = key === undefined ? undefined : shared.get(key)
    let sink: Sink
    if (existing !== undefined && !existing.closed) {
      existing.refs++
      sink = existing
    } else sink = yield* open(options, key)
    const rotation = sink.driver.rotation
    if (rotation !== undefined) {
      const rotator = yield* Effect.forkDetach(rotateOnTime(sink, rotation.dueAt))
      yield* Effect.addFinalizer(() => Effect.sync(() => rotator.interruptUnsafe()))
    }
    // The interval: a detached fiber stopped without waiting, so closing stays synchronous (Effect.runSync works).
    const ticker = yield* Effect.forkDetach(
      Effect.forever(Effect.andThen(Effect.sleep(options.flushInterval), Effect.sync(() => sink.tick())))
    )
    yield* Effect.addFinalizer(() => Effect.sync(() => ticker.interruptUnsafe()))
    yield* Effect.addFinalizer(() => (--sink.refs > 0 ? Effect.asVoid(sink.flush()) : Effect.asVoid(sink.shutdown())))
    return sink
  })
