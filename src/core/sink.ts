/**
 * The sink's batching, Effect-free: a bounded queue of formatted lines,
 * written in batches through a {@link Driver}. Time comes in as numbers (the
 * `now` given to the constructor), waiting as callbacks; the Effect binding
 * (`src/internal/sink.ts`) adds the interval, the scope, the deadlines and the
 * exit hook.
 *
 * Hot path: `write(line)` queues the line (the overflow policy applies when the
 * queue is at its bound) and, once `flushSize` bytes are queued and nothing is
 * in flight, hands them to the driver as one batch. A driver that never falls
 * behind (a file, a terminal, the `Console`, a plain writer) writes at once;
 * one that can (a pipe, an async writer) keeps one batch in flight while the
 * queue fills. `tick` writes whatever waits; `close` gives up what is left,
 * counted and reported as dropped. Nothing here throws into the program.
 */
import type { Driver } from "./driver.js"
import { linesWritten } from "./driver.js"
import type { OverflowPolicy } from "./queue.js"
import { BoundedQueue, Dropped, Over } from "./queue.js"
import {
  droppedReport,
  errorText,
  failedReport,
  reopenFailedReport,
  rotationFailedReport,
  warningLine
} from "./sinkReports.js"

/**
 * The options the batching reads (a subset of `LogSink.Options`).
 *
 * @internal
 */
export interface SinkConfig {
  /** Bytes (UTF-16 code units) that make a batch. */
  readonly flushSize: number
  /** Bound of the buffer; beyond it the overflow policy applies. */
  readonly maxBufferBytes: number
  readonly overflow: OverflowPolicy
  /** Renders the "N records dropped" warning line (default: a JSON line). */
  readonly warningLine?:
    | ((message: string, fields: Readonly<Record<string, unknown>>, millis: number) => string)
    | undefined
}

/**
 * Counters since the sink was made (`LogSink.SinkStats`). Counts are lines.
 *
 * @internal
 */
export interface SinkCounts {
  readonly accepted: number
  readonly written: number
  readonly dropped: number
  readonly failed: number
  readonly pending: number
  readonly pendingBytes: number
  readonly batches: number
  readonly errors: number
  readonly rotations: number
  readonly lastError: string | undefined
  readonly closed: boolean
}

/**
 * What a flush did (`LogSink.FlushReport`). Counts are lines.
 *
 * @internal
 */
export interface FlushResult {
  readonly status: "flushed" | "timed_out" | "failed"
  readonly written: number
  readonly failed: number
  readonly pending: number
  readonly dropped: number
  readonly durationMillis: number
}

/**
 * A flush under way: the lines queued when it started, and the counters then.
 *
 * @internal
 */
export interface FlushMark {
  readonly until: number
  readonly start: number
  readonly written: number
  readonly failed: number
}

interface Waiter {
  readonly until: number
  readonly resume: () => void
}

const lineWeight = (line: string): number => line.length

/**
 * The most a batch takes past its first `flushSize`: a batch stops at 32 Ki UTF-16 code units (then one more line)
 * even when `flushSize` is larger, and a full queue leaves as several batches at once. V8 puts a string over about
 * 120 KiB in its large-object space, a fresh allocation each time, and joining such a batch costs several times what
 * formatting its lines did: 64 Ki units of lines with an emoji in them (two bytes a unit) are over it. For a target
 * that can fall behind (a pipe), batches stay at `flushSize`: what is in flight when a flush starts stays as it was.
 */
const maxBatch = 32 * 1024

/** @internal */
export class SinkCore {
  readonly queue: BoundedQueue<string>
  readonly flushSize: number
  /** What a batch takes at least: `flushSize`, at most {@link maxBatch}. */
  private readonly batchSize: number
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
  /** Set by {@link startShutdown}: every batch that lands starts the next one. */
  protected closing = false
  closed = false
  /** Lines given up by the close (queued or in flight, not written). */
  protected givenUp = 0

  constructor(
    readonly config: SinkConfig,
    readonly driver: Driver,
    /** The time in milliseconds (the binding's `Clock`): the warning line's time, a flush's duration. */
    readonly now: () => number,
    /** Where failure and drop reports go. */
    protected readonly report: (text: string) => void
  ) {
    this.flushSize = Math.max(1, config.flushSize)
    this.batchSize = Math.min(this.flushSize, maxBatch)
    this.queue = new BoundedQueue<string>(Math.max(this.flushSize, config.maxBufferBytes), config.overflow, lineWeight)
  }

  // -- hot path ---------------------------------------------------------------------------------------------------

  /** One formatted line (with its "\n"). `true`: queued over the bound (policy `block`): a caller that can, waits for room. */
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

  // -- batches ----------------------------------------------------------------------------------------------------

  /**
   * Writes what is queued, in batches of at least `flushSize` bytes (or {@link maxBatch} to a target that does not
   * fall behind), until the driver is busy or the queue empty.
   */
  private pump(): void {
    while (!this.busy) {
      const lines = this.queue.take(this.driver.lags ? this.flushSize : this.batchSize)
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
    return warningLine(this.config.warningLine, n, this.queue, this.now())
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
      this.report(failedReport(this.driver.name, this.lastError))
    }
    this.settle(lines)
  }

  /** The interval tick: writes whatever waits. */
  tick(): void {
    if (!this.busy) this.pump()
  }

  // -- flush ------------------------------------------------------------------------------------------------------

  /** Lines queued or in flight. */
  pending(): number {
    return this.enqueued - this.settled
  }

  stats(): SinkCounts {
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

  /** Starts writing every line queued now (and the drop warning owed); a flush waits for the mark with {@link onFlushed}. */
  startFlush(): FlushMark {
    const mark: FlushMark = { until: this.enqueued, start: this.now(), written: this.written, failed: this.failed }
    if (this.settled < mark.until || this.queue.unreported > 0) {
      this.flushUntil = Math.max(this.flushUntil, mark.until)
      this.tick()
    }
    return mark
  }

  /** Whether every line of the flush has left (or failed, or was dropped). */
  flushed(mark: FlushMark): boolean {
    return this.settled >= mark.until
  }

  /** Calls `resume` once the flush is done (`undefined`: it is, called at once); else returns the canceller. */
  onFlushed(mark: FlushMark, resume: () => void): (() => void) | undefined {
    if (this.settled >= mark.until) {
      resume()
      return undefined
    }
    const w: Waiter = { until: mark.until, resume }
    this.waiters.push(w)
    return () => {
      this.waiters = this.waiters.filter((x) => x !== w)
    }
  }

  /** What the flush did, now; `timedOut`: its deadline passed. */
  flushResult(mark: FlushMark, timedOut: boolean): FlushResult {
    const failed = this.failed - mark.failed
    return {
      status: failed > 0 ? "failed" : timedOut && this.settled < mark.until ? "timed_out" : "flushed",
      written: this.written - mark.written,
      failed,
      pending: timedOut ? this.pending() : Math.max(0, mark.until - this.settled),
      dropped: this.queue.dropped,
      durationMillis: this.now() - mark.start
    }
  }

  // -- close ------------------------------------------------------------------------------------------------------

  /** A shutdown begins: from now on every batch that lands starts the next one. Its mark: the counters now. */
  startShutdown(): FlushMark {
    this.closing = true
    return { until: this.enqueued, start: this.now(), written: this.written, failed: this.failed }
  }

  /**
   * A shutdown's result after {@link close}: the lines of the batch in flight that went out whole count as written,
   * the rest as given up (`pending`, dropped and reported), so written + pending matches what the target received.
   */
  shutdownResult(result: FlushResult, mark: FlushMark): FlushResult {
    return result.pending === 0 ? result : {
      ...result,
      written: this.written - mark.written,
      failed: this.failed - mark.failed,
      pending: this.givenUp,
      dropped: this.queue.dropped
    }
  }

  /** Gives up what is still queued or in flight (counted and reported as dropped), then closes the driver. */
  close(reason: string): void {
    if (this.closed) return
    this.closed = true
    this.detach()
    const dropped0 = this.queue.dropped
    if (this.busy) this.settleInflight(this.driver.abandon())
    this.settle(this.queue.clear())
    this.givenUp = this.queue.dropped - dropped0
    this.reportDrops(reason)
    this.queue.wake()
    this.driver.close()
    this.closedDriver()
  }

  /** Called by {@link close} first (the binding removes its exit hook and signal handler). */
  protected detach(): void {}

  /** Called by {@link close} last, once the driver is closed (the binding forgets the shared sink). */
  protected closedDriver(): void {}

  private reportDrops(reason: string): void {
    const n = this.queue.takeUnreported()
    if (n > 0) this.report(droppedReport(this.driver.name, n, reason))
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

  /** At process exit: what is in flight and queued, synchronously, within `timeoutMillis`; then closed. */
  atExit(timeoutMillis: number): void {
    if (this.closed) return
    const lines = this.queue.take(Infinity)
    const reports = this.queue.takeUnreported()
    const batch = lines.join("") + (reports > 0 ? this.warning(reports) : "")
    const inTotal = this.busy ? this.inflight + (this.inflightReports > 0 ? 1 : 0) : 0
    let went: number
    try {
      went = this.driver.writeSync(batch, timeoutMillis)
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

  // -- files ------------------------------------------------------------------------------------------------------

  /** Files: opens the path again (after external rotation); `false` when it could not (reported once). */
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
        this.report(reopenFailedReport(this.driver.name, this.lastError))
      }
      return false
    }
  }

  /** A time rotation due at `now` (the binding's rotation fiber): what is queued goes to the closing file first. */
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
    this.report(rotationFailedReport(this.driver.name, this.lastError))
  }
}
