/**
 * The sink: a bounded queue of formatted lines, written in batches through a
 * driver (see `platform.ts`), runtime-agnostic.
 *
 * Hot path: `write(line)` queues the line (the overflow policy applies when the
 * queue is at its bound) and, once `flushSize` bytes are queued and nothing is
 * in flight, hands them to the driver as one batch. A driver that never falls
 * behind (a file, a terminal, the `Console`, a plain writer) writes at once;
 * one that can (a pipe, an async writer) keeps one batch in flight while the
 * queue fills. The interval fiber writes whatever waits; `flush` waits for it;
 * `shutdown` flushes within its deadline, then gives up what is left, counted
 * and reported as dropped. Sinks on the same descriptor or file share one
 * queue. Nothing here throws into the program.
 *
 * Rotation: a rotating file driver rotates by size itself, between two
 * synchronous writes; time rotation is decided here, on the `Clock`, by a
 * fiber that sleeps until the driver's next boundary, writes what is queued
 * (those lines belong to the closing period) and tells the driver the time.
 */
import { platform } from "#platform"
import type * as Clock from "effect/Clock"
import type * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import { globalValue } from "effect/GlobalValue"
import type * as Runtime from "effect/Runtime"
import type * as Scope from "effect/Scope"
import type { FlushReport, Options, SinkStats, Target } from "../LogSink.js"
import { consoleDriver, writerDriver } from "./drivers.js"
import type { Driver, FdTarget, FileHooks } from "./platform.js"
import { linesWritten } from "./platform.js"
import { BoundedQueue, Dropped, Over } from "./queue.js"
import { checkSignal, resolveRotation, rotateOnTime } from "./rotation.js"

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

/** @internal */
export const errorText = (e: unknown): string => {
  try {
    if (e instanceof Error) {
      const code = (e as { code?: unknown }).code
      return typeof code === "string" && !e.message.startsWith(code) ? `${code}: ${e.message}` : e.message
    }
    return Exit.isExit(e) ? "writer failed" : String(e)
  } catch {
    return "unknown error"
  }
}

/** @internal */
export const describe = (t: Target): string =>
  typeof t === "string" ? t : typeof t === "function" ? "writer" : "file" in t ? `file ${t.file}` : `fd ${t.fd}`

// ---------------------------------------------------------------------------
// The sink
// ---------------------------------------------------------------------------

interface Waiter {
  readonly until: number
  readonly resume: () => void
}

/** @internal */
export class Sink {
  readonly queue: BoundedQueue<string>
  readonly flushSize: number
  readonly shutdownTimeout: Duration.Duration
  // a batch in flight: its record lines, and the drops its warning line (last) announces
  private busy = false
  private inflight = 0
  private inflightReports = 0
  // sequence numbers: every queued line gets one; settled = written, failed or dropped after queueing
  private enqueued = 0
  private settled = 0
  private flushUntil = 0
  private waiters: Array<Waiter> = []
  accepted = 0
  written = 0
  failed = 0
  batches = 0
  errors = 0
  rotations = 0
  lastError: string | undefined = undefined
  private reportedFailure = false
  private reportedRotation = false
  /** Removes the `reopenOnSignal` handler. */
  removeSignal: (() => void) | undefined = undefined
  private closing = false
  closed = false
  /** Lines given up by the close (queued or in flight, not written). */
  private givenUp = 0
  private shutdownReport: Promise<FlushReport> | undefined = undefined
  private shutdownDone: FlushReport | undefined = undefined
  private removeExitHook: (() => void) | undefined = undefined
  /** Holders of a shared sink (same descriptor or file). */
  refs = 1

  constructor(
    readonly options: Options,
    readonly driver: Driver,
    private readonly clock: Clock.Clock,
    private readonly report: (text: string) => void,
    readonly key: string | undefined
  ) {
    this.flushSize = Math.max(1, options.flushSize)
    this.queue = new BoundedQueue<string>(
      Math.max(this.flushSize, options.maxBufferBytes),
      options.overflow,
      lineWeight
    )
    this.shutdownTimeout = Duration.decode(options.shutdownTimeout)
    if (options.exitHook && platform !== undefined) {
      this.removeExitHook = platform.onExit((remaining) => this.atExit(remaining))
    }
  }

  // -- hot path ---------------------------------------------------------------------------------------------------

  /** One formatted line (with its "\n"). `true`: queued over the bound (policy `block`): a caller that can, waits for {@link room}. */
  readonly write = (line: string): boolean => {
    this.accepted++
    if (this.closed) {
      this.writeLate(line)
      return false
    }
    // A line bigger than the whole buffer drops only itself, and only when the target is behind.
    if (line.length > this.queue.capacity && !this.busy) return this.writeAlone(line)
    const r = this.queue.offer(line, line.length)
    if (r === Dropped) return false
    this.enqueued++
    if (r > 0) this.settle(r)
    if (!this.busy && this.queue.weight >= this.flushSize) this.pump()
    return r === Over
  }

  private writeAlone(line: string): false {
    this.pump()
    if (this.busy) {
      this.queue.dropped++
      this.queue.unreported++
      return false
    }
    this.enqueued++
    this.batches++
    try {
      if (this.driver.write(line, (e) => this.landed(1, 0, e))) this.ok(1)
      else {
        this.busy = true
        this.inflight = 1
      }
    } catch (e) {
      this.fail(1, e)
    }
    return false
  }

  /** Resumes when the queue is under its bound. */
  get room(): Effect.Effect<void> {
    return this.queue.room
  }

  // -- batches ----------------------------------------------------------------------------------------------------

  /** Writes what is queued, in batches of at least `flushSize` bytes, until the driver is busy or the queue empty. */
  private pump(): void {
    while (!this.busy) {
      const lines = this.queue.take(this.flushSize)
      let batch = lines.length === 0 ? "" : lines.length === 1 ? lines[0]! : lines.join("")
      // The queue has room again: say how many records were dropped, after the lines that made it.
      const reports = this.queue.length === 0 ? this.queue.takeUnreported() : 0
      if (reports > 0) batch += this.warning(reports)
      if (batch === "") return
      const n = lines.length
      this.batches++
      let finished: boolean
      try {
        finished = this.driver.write(batch, (e) => this.landed(n, reports, e))
      } catch (e) {
        this.fail(n, e)
        continue
      }
      if (!finished) {
        this.busy = true
        this.inflight = n
        this.inflightReports = reports
        return
      }
      this.ok(n)
      if (this.queue.length === 0) return
    }
  }

  /** The batch in flight has gone out (or failed). */
  private landed(lines: number, reports: number, error: unknown): void {
    this.busy = false
    this.inflight = 0
    this.inflightReports = 0
    if (error === undefined) this.ok(lines)
    else {
      this.queue.unreported += reports
      this.fail(lines, error)
    }
    if (this.queue.weight >= this.flushSize || this.flushUntil > this.settled || this.closing) this.pump()
  }

  private warning(n: number): string {
    const message =
      `log buffer full: ${n} records dropped (overflow policy ${this.queue.policy}, maxBufferBytes ${this.queue.capacity})`
    const fields = { dropped: n, dropped_total: this.queue.dropped, overflow: this.queue.policy }
    const millis = this.clock.unsafeCurrentTimeMillis()
    try {
      if (this.options.warningLine !== undefined) {
        const line = this.options.warningLine(message, fields, millis)
        return line.endsWith("\n") ? line : line + "\n"
      }
    } catch {
      // fall through to the JSON line
    }
    return JSON.stringify({
      timestamp: new Date(millis).toISOString(),
      level: "warning",
      message,
      logger_name: "effect-foundation.sink",
      ...fields
    }) + "\n"
  }

  private settle(n: number): void {
    this.settled += n
    if (this.waiters.length === 0) return
    const ready = this.waiters.filter((w) => w.until <= this.settled)
    if (ready.length === 0) return
    this.waiters = this.waiters.filter((w) => w.until > this.settled)
    for (const w of ready) w.resume()
  }

  private ok(lines: number): void {
    this.written += lines
    this.settle(lines)
  }

  private fail(lines: number, e: unknown): void {
    // a batch cut short (a disk filling up): the lines before the cut went out whole
    const went = Math.min(lines, linesWritten(e))
    this.written += went
    this.failed += lines - went
    this.errors++
    this.lastError = errorText(e)
    if (!this.reportedFailure) {
      this.reportedFailure = true
      this.report(
        `effect-foundation: log sink (${this.driver.name}) failed: ${this.lastError}; ` +
          `the program keeps running, failed lines are counted (LogSink stats / flush report) and not reported again\n`
      )
    }
    this.settle(lines)
  }

  /** The interval tick. */
  tick(): void {
    if (!this.busy) this.pump()
  }

  // -- flush / shutdown -------------------------------------------------------------------------------------------

  private pending(): number {
    return this.enqueued - this.settled
  }

  stats(): SinkStats {
    return {
      accepted: this.accepted,
      written: this.written,
      dropped: this.queue.dropped,
      failed: this.failed,
      pending: this.pending(),
      pendingBytes: this.queue.weight,
      batches: this.batches,
      errors: this.errors,
      rotations: this.rotations,
      lastError: this.lastError,
      closed: this.closed
    }
  }

  /** Waits until every line queued now has left (or failed), at most `deadline`. */
  readonly flush = (deadline?: Duration.DurationInput): Effect.Effect<FlushReport> =>
    Effect.suspend(() => {
      const until = this.enqueued
      const start = this.clock.unsafeCurrentTimeMillis()
      const written0 = this.written
      const failed0 = this.failed
      const report = (timedOut: boolean): FlushReport => {
        const failed = this.failed - failed0
        return {
          status: failed > 0 ? "failed" : timedOut && this.settled < until ? "timed_out" : "flushed",
          written: this.written - written0,
          failed,
          pending: timedOut ? this.pending() : Math.max(0, until - this.settled),
          dropped: this.queue.dropped,
          durationMillis: this.clock.unsafeCurrentTimeMillis() - start
        }
      }
      if (this.settled < until || this.queue.unreported > 0) {
        this.flushUntil = Math.max(this.flushUntil, until)
        this.tick()
      }
      if (this.settled >= until) return Effect.succeed(report(false))
      const limit = Duration.decode(deadline ?? this.shutdownTimeout)
      // a zero deadline: start the write, do not wait for it
      if (Duration.toMillis(limit) <= 0) return Effect.succeed(report(true))
      const wait = Effect.async<void>((resume) => {
        if (this.settled >= until) return resume(Effect.void)
        const w: Waiter = { until, resume: () => resume(Effect.void) }
        this.waiters.push(w)
        return Effect.sync(() => {
          this.waiters = this.waiters.filter((x) => x !== w)
        })
      })
      // The wait is interruptible even inside a finalizer (which is not), so the deadline can cut it; the
      // finalizer itself stays uninterruptible (an interrupted program still gets its full deadline).
      return Effect.interruptible(wait).pipe(
        Effect.timeoutTo({ duration: limit, onSuccess: () => false, onTimeout: () => true }),
        Effect.map(report)
      )
    })

  /**
   * Flushes within the deadline, then closes: what could not be written is
   * dropped and reported; later lines are written synchronously. Idempotent.
   */
  readonly shutdown = (deadline?: Duration.DurationInput): Effect.Effect<FlushReport> =>
    Effect.suspend(() => {
      // a second shutdown (the scope closing after `Telemetry.shutdown`): at once when the first is over (Effect.runSync)
      if (this.shutdownDone !== undefined) return Effect.succeed(this.shutdownDone)
      if (this.shutdownReport !== undefined) return Effect.promise(() => this.shutdownReport!)
      let resolve!: (r: FlushReport) => void
      this.shutdownReport = new Promise<FlushReport>((r) => (resolve = (report) => {
        this.shutdownDone = report
        r(report)
      }))
      this.closing = true
      const written0 = this.written
      const failed0 = this.failed
      return this.flush(deadline).pipe(
        Effect.ensuring(Effect.sync(() => this.close(`not written within the shutdown deadline`))),
        // after the close: the lines of the batch in flight that went out whole count as written, the rest as
        // given up (`pending`, dropped and reported), so written + pending matches what the target received
        Effect.map((r): FlushReport =>
          r.pending === 0 ? r : {
            ...r,
            written: this.written - written0,
            failed: this.failed - failed0,
            pending: this.givenUp,
            dropped: this.queue.dropped
          }
        ),
        Effect.tap((report) => Effect.sync(() => resolve(report))),
        Effect.onInterrupt(() =>
          Effect.sync(() =>
            resolve({
              status: "timed_out",
              written: 0,
              failed: 0,
              pending: 0,
              dropped: this.queue.dropped,
              durationMillis: 0
            })
          )
        )
      )
    })

  /** Gives up what is still queued or in flight (counted and reported as dropped), then closes the driver. */
  private close(reason: string): void {
    if (this.closed) return
    this.closed = true
    this.removeExitHook?.()
    this.removeExitHook = undefined
    this.removeSignal?.()
    this.removeSignal = undefined
    const dropped0 = this.queue.dropped
    if (this.busy) this.settleInflight(this.driver.abandon())
    this.settle(this.queue.clear())
    this.givenUp = this.queue.dropped - dropped0
    this.reportDrops(reason)
    this.queue.wake()
    this.driver.close()
    if (this.key !== undefined && shared.get(this.key) === this) shared.delete(this.key)
  }

  private reportDrops(reason: string): void {
    const n = this.queue.takeUnreported()
    if (n > 0) this.report(`effect-foundation: log sink (${this.driver.name}): ${n} records dropped (${reason})\n`)
  }

  /**
   * A line that arrives after close: a driver that still can (a writer, the `Console`, a rotating file opened
   * again by its path) writes it synchronously; a closed descriptor is never written again (its number may
   * belong to another file or socket by now), so the line goes to the report stream instead (stderr, else
   * stdout), counted as failed.
   */
  private writeLate(line: string): void {
    try {
      if (this.driver.writeSync(line, 0) === 1) {
        this.written++
        return
      }
    } catch (e) {
      if ((e as { code?: unknown } | undefined)?.code !== "ECLOSED") {
        this.errors++
        this.lastError = errorText(e)
      }
    }
    this.failed++
    this.report(line)
  }

  /** Accounts for the batch in flight once `went` of its lines went out whole (the rest is dropped). */
  private settleInflight(went: number): void {
    const records = Math.min(went, this.inflight)
    const lost = this.inflight - records
    this.written += records
    this.queue.dropped += lost
    // its warning line is the last one: when it did not go out, its drops are reported again
    this.queue.unreported += lost + (went > this.inflight ? 0 : this.inflightReports)
    this.settle(this.inflight)
    this.busy = false
    this.inflight = 0
    this.inflightReports = 0
  }

  /** At process exit: what is in flight and queued, synchronously, within what is left of the exit's deadline. */
  private atExit(remaining: (timeoutMillis: number) => number): void {
    if (this.closed) return
    const lines = this.queue.take(Infinity)
    const reports = this.queue.takeUnreported()
    const batch = lines.join("") + (reports > 0 ? this.warning(reports) : "")
    const inTotal = this.busy ? this.inflight + (this.inflightReports > 0 ? 1 : 0) : 0
    let went: number
    try {
      went = this.driver.writeSync(batch, remaining(Duration.toMillis(this.shutdownTimeout)))
    } catch (e) {
      this.fail(this.inflight + lines.length, e)
      this.busy = false
      this.inflight = 0
      this.closed = true
      return this.driver.close()
    }
    if (this.busy) this.settleInflight(Math.min(went, inTotal))
    const rest = went - Math.min(went, inTotal)
    const records = Math.min(rest, lines.length)
    const lost = lines.length - records
    this.written += records
    this.queue.dropped += lost
    this.queue.unreported += lost + (rest > lines.length ? 0 : reports)
    this.settle(lines.length)
    this.closed = true
    this.reportDrops("not written before the process exited")
    this.driver.close()
  }

  /** Files: opens the path again (after external rotation); `false` when it could not (reported once). */
  reopen(): Effect.Effect<boolean> {
    return Effect.sync(() => this.reopenNow())
  }

  /** {@link reopen}, synchronously (a signal handler). */
  reopenNow(): boolean {
    if (this.driver.reopen === undefined || this.closed) return false
    try {
      this.driver.reopen()
      return true
    } catch (e) {
      this.errors++
      this.lastError = errorText(e)
      if (!this.reportedFailure) {
        this.reportedFailure = true
        this.report(
          `effect-foundation: log sink cannot reopen (${this.driver.name}): ${this.lastError}; still writing to the previously opened file\n`
        )
      }
      return false
    }
  }

  // -- rotation ---------------------------------------------------------------------------------------------------

  /** A time rotation due at `now` (the rotation fiber): what is queued goes to the closing file first. */
  rotateDue(now: number): void {
    const rotation = this.driver.rotation
    if (rotation === undefined || this.closed || now < rotation.dueAt()) return
    if (!this.busy) this.pump()
    rotation.rotateIfDue(now)
  }

  /** A rotation, a compression or a deletion failed: counted, reported once; logging goes on in the current file. */
  rotationFailed(e: unknown): void {
    this.errors++
    this.lastError = errorText(e)
    if (this.reportedRotation) return
    this.reportedRotation = true
    this.report(
      `effect-foundation: log rotation failed (${this.driver.name}): ${this.lastError}; ` +
        `logging goes on in the current file; later rotation failures are counted (LogSink stats) and not reported again\n`
    )
  }
}

const lineWeight = (line: string): number => line.length

// ---------------------------------------------------------------------------
// Opening
// ---------------------------------------------------------------------------

/** Open sinks by destination: two layers writing to one stdout share one queue, so their lines never splice. */
const shared: Map<string, Sink> = globalValue(Symbol.for("effect-foundation/LogSink/shared"), () => new Map())

const consoleLog = (console: Console.Console, stream: "log" | "error") => {
  const unsafe = console.unsafe
  return stream === "log" ? (line: string) => unsafe.log(line) : (line: string) => unsafe.error(line)
}

const driverFor = (
  target: Target,
  runtime: Runtime.Runtime<never>,
  console: Console.Console,
  hooks: FileHooks
): Driver => {
  if (typeof target === "function") return writerDriver(target, runtime)
  if (target === "console") return consoleDriver("console", consoleLog(console, "log"))
  if (platform === undefined) {
    if (target === "stdout" || target === "stderr") {
      return consoleDriver(target, consoleLog(console, target === "stdout" ? "log" : "error"))
    }
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
    if (target === "stdout" || target === "stderr") {
      return consoleDriver(target, consoleLog(console, target === "stdout" ? "log" : "error"))
    }
    throw e
  }
}

/**
 * Reports go to stderr; when stderr cannot take one (full, stuck, gone: it may
 * be the very target that is stuck), to stdout, so that every drop is told
 * somewhere it can be seen. Without a platform: the `Console` (never behind).
 */
const defaultReport = (console: Console.Console) => (text: string): void => {
  if (platform !== undefined) {
    if (!platform.report(text, "stderr")) platform.report(text, "stdout")
    return
  }
  try {
    console.unsafe.error(text.endsWith("\n") ? text.slice(0, -1) : text)
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
    : platform.keyOf(target as FdTarget)

/**
 * The sink for `options.target` for the scope: a new one, or the open one on
 * the same destination (shared; the first holder's options apply). Leaving the
 * scope shuts it down when it was the last holder, else flushes it.
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
    } else {
      const runtime = yield* Effect.runtime<never>()
      const console = yield* Effect.console
      const clock = yield* Effect.clock
      // the driver reaches the sink (made after it) through these
      let made: Sink | undefined
      const hooks: FileHooks = {
        now: () => clock.unsafeCurrentTimeMillis(),
        rotated: () => void (made !== undefined && made.rotations++),
        failed: (e) => made?.rotationFailed(e)
      }
      const driver = yield* Effect.try({
        try: () => driverFor(options.target, runtime, console, hooks),
        catch: (e) =>
          new LogSinkError({
            message: `cannot open log ${describe(options.target)}${
              typeof options.target === "object" && "file" in options.target ? " (PROVIDE_LOG_FILE)" : ""
            }: ${errorText(e)}`,
            target: describe(options.target),
            cause: e
          })
      })
      sink = made = new Sink(options, driver, clock, options.report ?? defaultReport(console), key)
      if (key !== undefined) shared.set(key, sink)
      const signal = typeof options.target === "object" && "file" in options.target
        ? options.target.reopenOnSignal
        : undefined
      if (signal !== undefined && platform?.onSignal !== undefined) {
        const s = sink
        sink.removeSignal = platform.onSignal(signal, () => void s.reopenNow())
      }
    }
    const rotation = sink.driver.rotation
    if (rotation !== undefined) {
      const rotator = yield* Effect.forkDaemon(rotateOnTime(sink, rotation.dueAt))
      yield* Effect.addFinalizer(() => Fiber.interruptFork(rotator))
    }
    // The interval: a daemon fiber stopped without waiting, so closing stays synchronous (Effect.runSync works).
    const ticker = yield* Effect.forkDaemon(
      Effect.forever(Effect.zipRight(Effect.sleep(options.flushInterval), Effect.sync(() => sink.tick())))
    )
    yield* Effect.addFinalizer(() => Fiber.interruptFork(ticker))
    yield* Effect.addFinalizer(() => (--sink.refs > 0 ? Effect.asVoid(sink.flush()) : Effect.asVoid(sink.shutdown())))
    return sink
  })
