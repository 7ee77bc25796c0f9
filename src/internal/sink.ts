/**
 * The batched, non-blocking writer under every format (see `LogSink`).
 *
 * Hot path: `write(line)` pushes the formatted line onto a queue and adds its
 * length; nothing else. Bytes leave in batches: when the queue reaches
 * `flushSize`, when the interval fiber wakes, or on `flush` / `shutdown`.
 * File descriptors get async `fs.write` with one write in flight at a time
 * (partial writes continued, EAGAIN retried), sonic-boom style; other targets
 * are called with the batch. A bounded queue (`maxBufferBytes`) applies the
 * overflow policy. Failures are counted and reported once on stderr; nothing
 * here throws into the program.
 */
import * as Clock from "effect/Clock"
import type * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as Runtime from "effect/Runtime"
import type * as Scope from "effect/Scope"
import * as fs from "node:fs"
import * as path from "node:path"

// ---------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------

/** What to do with a record when the buffer is full. */
export type OverflowPolicy = "drop_oldest" | "drop_newest" | "block"

/** A user writer: called with a batch of whole lines (each ending in "\n"). May return an Effect, which is run (one at a time). */
export type Writer = (chunk: string) => void | Effect.Effect<unknown, unknown>

/** Where the bytes go. */
export type Target =
  | "stdout"
  | "stderr"
  | "console"
  | { readonly file: string }
  | { readonly fd: number }
  | Writer

export interface Options {
  readonly target: Target
  /** Bytes (UTF-16 code units, = bytes for ASCII) that trigger a write. */
  readonly flushSize: number
  /** Longest time a line waits in the buffer. */
  readonly flushInterval: Duration.DurationInput
  /** Bound of the buffer; beyond it the overflow policy applies. */
  readonly maxBufferBytes: number
  readonly overflow: OverflowPolicy
  /** Default deadline of `flush` / `shutdown` (and of the scope finalizer). */
  readonly shutdownTimeout: Duration.DurationInput
  /** Install a `process.on("exit")` hook that writes what is left synchronously. */
  readonly exitHook: boolean
  /** Renders the "N records dropped" warning line in the program's format (default: a JSON line). */
  readonly warningLine?: ((message: string, fields: Readonly<Record<string, unknown>>, millis: number) => string) | undefined
  /** Where the one failure report goes (default: stderr, synchronously). */
  readonly report?: ((text: string) => void) | undefined
}

export const defaults: Options = {
  target: "stdout",
  flushSize: 64 * 1024,
  flushInterval: Duration.millis(100),
  maxBufferBytes: 8 * 1024 * 1024,
  overflow: "drop_oldest",
  shutdownTimeout: Duration.seconds(5),
  exitHook: true
}

/** Result of a flush or shutdown. Counts are lines. */
export interface FlushReport {
  /** `flushed`: everything buffered at the call left; `timed_out`: the deadline passed first; `failed`: some lines could not be written. */
  readonly status: "flushed" | "timed_out" | "failed"
  /** lines written during this call */
  readonly written: number
  /** lines that failed during this call */
  readonly failed: number
  /** lines still buffered or in flight when the call returned */
  readonly pending: number
  /** lines dropped by the overflow policy so far (total) */
  readonly dropped: number
  readonly durationMillis: number
}

/** Counters since the sink was made. Counts are lines. */
export interface SinkStats {
  /** lines handed to `write` */
  readonly accepted: number
  readonly written: number
  /** dropped by the overflow policy */
  readonly dropped: number
  /** could not be written (the target failed) */
  readonly failed: number
  /** lines buffered or in flight */
  readonly pending: number
  readonly pendingBytes: number
  /** batches handed to the target */
  readonly batches: number
  /** failure events (a failed batch, a failed reopen) */
  readonly errors: number
  readonly lastError: string | undefined
  readonly closed: boolean
}

export class LogSinkError extends Data.TaggedError("LogSinkError")<{
  readonly message: string
  readonly target: string
  readonly cause?: unknown
}> {}

export interface Flushable {
  readonly flush: (deadline?: Duration.DurationInput) => Effect.Effect<FlushReport>
  readonly shutdown: (deadline?: Duration.DurationInput) => Effect.Effect<FlushReport>
}

/** The sinks (and other flushables, e.g. an OTLP exporter) the current program writes to. */
export const currentFlushables: FiberRef.FiberRef<ReadonlyArray<Flushable>> = FiberRef.unsafeMake<ReadonlyArray<Flushable>>([])

/** Adds `f` to {@link currentFlushables} for the rest of the scope (inside a layer: for the program it provides). */
export const registerScoped = (f: Flushable): Effect.Effect<void, never, Scope.Scope> =>
  Effect.locallyScopedWith(currentFlushables, (all) => (all.includes(f) ? all : [...all, f]))

const worse = (a: FlushReport["status"], b: FlushReport["status"]): FlushReport["status"] =>
  a === "failed" || b === "failed" ? "failed" : a === "timed_out" || b === "timed_out" ? "timed_out" : "flushed"

/** Sums several reports (the worst status wins; duration is the longest). */
export const combineReports = (reports: ReadonlyArray<FlushReport>): FlushReport =>
  reports.reduce<FlushReport>(
    (acc, r) => ({
      status: worse(acc.status, r.status),
      written: acc.written + r.written,
      failed: acc.failed + r.failed,
      pending: acc.pending + r.pending,
      dropped: acc.dropped + r.dropped,
      durationMillis: Math.max(acc.durationMillis, r.durationMillis)
    }),
    { status: "flushed", written: 0, failed: 0, pending: 0, dropped: 0, durationMillis: 0 }
  )

/** Flushes every registered flushable (in parallel) and combines the reports. */
export const flushAll = (deadline?: Duration.DurationInput): Effect.Effect<FlushReport> =>
  Effect.flatMap(FiberRef.get(currentFlushables), (all) =>
    Effect.map(Effect.forEach(all, (f) => f.flush(deadline), { concurrency: "unbounded" }), combineReports))

/** Shuts every registered flushable down (in parallel) and combines the reports. */
export const shutdownAll = (deadline?: Duration.DurationInput): Effect.Effect<FlushReport> =>
  Effect.flatMap(FiberRef.get(currentFlushables), (all) =>
    Effect.map(Effect.forEach(all, (f) => f.shutdown(deadline), { concurrency: "unbounded" }), combineReports))

// ---------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------

const errText = (e: unknown): string => {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code
    return code !== undefined && !e.message.startsWith(code) ? `${code}: ${e.message}` : e.message
  }
  try {
    return String(e)
  } catch {
    return "unknown error"
  }
}

const sleepSync = (ms: number): void => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
  } catch {
    // not allowed on this thread: busy wait is not worth it
  }
}

/** Writes all of `buf` synchronously; EAGAIN retried for up to `budgetMs`. Throws on other errors. */
const writeAllSync = (fd: number, buf: Buffer, budgetMs = 10_000): void => {
  let off = 0
  let waited = 0
  while (off < buf.length) {
    try {
      off += fs.writeSync(fd, buf, off, buf.length - off)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EAGAIN" && waited < budgetMs) {
        sleepSync(1)
        waited += 1
        continue
      }
      throw e
    }
  }
}

// ---------------------------------------------------------------------------
// The sink
// ---------------------------------------------------------------------------

interface Sealed {
  readonly data: Buffer | string | Array<Buffer>
  readonly lines: number
  readonly bytes: number
}

interface Waiter {
  readonly until: number
  readonly resume: () => void
}

const describeTarget = (t: Target): string =>
  typeof t === "string" ? t : typeof t === "function" ? "writer" : "file" in t ? `file ${t.file}` : `fd ${t.fd}`

export class Sink implements Flushable {
  // The buffer: `cur`, the batch being built (a rope of whole lines, under
  // flushSize), and `sealed`, full batches waiting while a write is in flight.
  // For descriptors a sealed batch is encoded to a Buffer right away: the line
  // strings die young and what waits lives outside the JS heap.
  private cur: Array<string> = []
  private curLines = 0
  private curBytes = 0
  private sealed: Array<Sealed> = []
  private sealedHead = 0
  private sealedBytes = 0
  // the batch being written
  private inflight = false
  private inflightLines = 0
  private inflightBufs: Array<Buffer> | undefined = undefined
  private inflightStart = -1 // expected file offset before the in-flight write (file targets)
  private fileOffset = -1
  // sequence numbers: every queued line gets one; settled = written, failed or dropped from the queue
  private enqueued = 0
  private settled = 0
  private flushUntil = 0
  private waiters: Array<Waiter> = []
  // counters
  accepted = 0
  written = 0
  dropped = 0
  failed = 0
  batches = 0
  errors = 0
  lastError: string | undefined = undefined
  private droppedUnreported = 0
  private reportedFailure = false
  closed = false
  private shutdownReport: Promise<FlushReport> | undefined
  private exitListener: (() => void) | undefined = undefined

  readonly flushSize: number
  /** Buffered bytes at which a descriptor sink stops waiting for the event loop and writes synchronously (nothing in flight). */
  private readonly starveBytes: number
  readonly maxBufferBytes: number
  readonly overflow: OverflowPolicy
  readonly shutdownTimeout: Duration.Duration

  constructor(
    private readonly options: Options,
    private readonly out: {
      readonly fd: number | undefined
      readonly ownsFd: boolean
      readonly file: string | undefined
      readonly call: ((chunk: string) => void | Effect.Effect<unknown, unknown>) | undefined
      readonly perLine: boolean
    },
    private readonly runtime: Runtime.Runtime<never>,
    private readonly clock: Clock.Clock,
    private readonly stderr: (text: string) => void
  ) {
    this.flushSize = Math.max(1, options.flushSize)
    this.maxBufferBytes = Math.max(this.flushSize, options.maxBufferBytes)
    this.starveBytes = Math.min(this.maxBufferBytes, Math.max(this.flushSize, 1024 * 1024))
    this.overflow = options.overflow
    this.shutdownTimeout = Duration.decode(options.shutdownTimeout)
    if (out.fd !== undefined && out.file !== undefined) {
      try {
        this.fileOffset = fs.fstatSync(out.fd).size
      } catch {
        this.fileOffset = -1
      }
    }
  }

  // -- hot path ---------------------------------------------------------------

  /** One formatted line (with its "\n"). Never throws. */
  readonly write = (line: string): void => {
    this.accepted++
    if (this.closed) {
      this.writeLate(line)
      return
    }
    const len = line.length
    if (this.sealedBytes + this.curBytes + len > this.maxBufferBytes && !this.makeRoom(len)) return
    this.cur.push(line)
    this.curBytes += len
    this.curLines++
    this.enqueued++
    if (this.curBytes >= this.flushSize) {
      if (this.inflight) this.seal()
      else if (this.out.fd !== undefined) {
        // descriptors: the write starts when the event loop next turns
        this.seal()
        if (this.sealedBytes >= this.starveBytes) {
          // a synchronous burst: the loop has not turned for starveBytes of lines
          this.drainSync(false)
        } else this.scheduleDrain()
      } else this.pump()
    }
  }

  private drainScheduled = false
  private scheduleDrain(): void {
    if (this.drainScheduled) return
    this.drainScheduled = true
    setImmediate(() => {
      this.drainScheduled = false
      if (!this.inflight) this.pump()
    })
  }

  /** The buffer is full: apply the policy. `false`: the new line is dropped. */
  private makeRoom(len: number): boolean {
    if (this.overflow !== "block" && (!this.inflight || this.adoptInflight())) {
      // Nothing in flight: the target is not behind, the event loop has not
      // turned since the buffer started filling (a synchronous burst that
      // never yields). Dropping would lose lines for no reason and the loop is
      // busy anyway: write what is buffered now, synchronously.
      this.drainSync(false)
      return true
    }
    if (this.overflow === "drop_newest") {
      this.drop(1, false)
      return false
    }
    if (this.overflow === "block") {
      this.drainSync(false)
      return true
    }
    // drop_oldest: whole batches, oldest first
    while (this.sealedHead < this.sealed.length && this.sealedBytes + this.curBytes + len > this.maxBufferBytes) {
      const b = this.sealed[this.sealedHead]!
      this.sealed[this.sealedHead++] = undefined as unknown as Sealed
      this.sealedBytes -= b.bytes
      this.drop(b.lines, true)
    }
    if (this.sealedHead === this.sealed.length) {
      this.sealed = []
      this.sealedHead = 0
    }
    if (this.sealedBytes + this.curBytes + len > this.maxBufferBytes && this.curLines > 0) {
      const n = this.curLines
      this.cur = []
      this.curLines = 0
      this.curBytes = 0
      this.drop(n, true)
    }
    if (len > this.maxBufferBytes) {
      // a single line bigger than the whole buffer
      this.drop(1, false)
      return false
    }
    return true
  }

  private drop(n: number, queued: boolean): void {
    this.dropped += n
    this.droppedUnreported += n
    if (queued) this.settle(n)
  }

  private seal(): void {
    if (this.curLines === 0) return
    this.sealed.push({
      data: this.out.fd !== undefined ? Buffer.from(this.cur.join(""), "utf8") : this.cur.join(""),
      lines: this.curLines,
      bytes: this.curBytes
    })
    this.sealedBytes += this.curBytes
    this.cur = []
    this.curLines = 0
    this.curBytes = 0
  }

  private hasQueued(): boolean {
    return this.curLines > 0 || this.sealedHead < this.sealed.length || this.droppedUnreported > 0
  }

  // -- batches ------------------------------------------------------------------

  private settle(n: number): void {
    this.settled += n
    if (this.waiters.length > 0) {
      const ready = this.waiters.filter((w) => w.until <= this.settled)
      if (ready.length > 0) {
        this.waiters = this.waiters.filter((w) => w.until > this.settled)
        for (const w of ready) w.resume()
      }
    }
  }

  /** Takes everything queued (plus a pending "dropped" warning) as one batch. */
  private take(): Sealed | undefined {
    if (!this.hasQueued()) return undefined
    let tail = this.curLines === 0 ? "" : this.cur.join("")
    let lines = this.curLines
    let bytes = this.curBytes
    if (this.droppedUnreported > 0) {
      // the warning line is not a program record: not counted in accepted/settled
      tail += this.warning(this.droppedUnreported)
      this.droppedUnreported = 0
    }
    const parts = this.sealedHead === 0 ? this.sealed : this.sealed.slice(this.sealedHead)
    this.sealed = []
    this.sealedHead = 0
    this.sealedBytes = 0
    this.cur = []
    this.curLines = 0
    this.curBytes = 0
    for (const p of parts) {
      lines += p.lines
      bytes += p.bytes
    }
    if (this.out.fd !== undefined) {
      const bufs = parts.map((p) => p.data as Buffer)
      if (tail !== "") bufs.push(Buffer.from(tail, "utf8"))
      return { data: bufs, lines, bytes }
    }
    return { data: parts.length === 0 ? tail : parts.map((p) => p.data as string).join("") + tail, lines, bytes }
  }

  private warning(n: number): string {
    const message = `log buffer full: ${n} records dropped (overflow policy ${this.overflow}, maxBufferBytes ${this.maxBufferBytes})`
    const fields = { dropped: n, dropped_total: this.dropped, overflow: this.overflow }
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

  /** Starts writing the queued lines if nothing is in flight. */
  pump(): void {
    if (this.inflight) return
    if (this.overflow === "block" && !this.closed) {
      this.drainSync(false)
      return
    }
    const batch = this.take()
    if (batch === undefined) return
    this.batches++
    const { call, fd } = this.out
    if (fd !== undefined) {
      this.inflight = true
      this.inflightLines = batch.lines
      this.inflightBufs = batch.data as Array<Buffer>
      this.writeFd()
      return
    }
    if (call !== undefined) {
      let result: void | Effect.Effect<unknown, unknown>
      try {
        result = this.callOut(batch.data as string)
      } catch (e) {
        this.fail(batch.lines, e)
        this.afterBatch()
        return
      }
      if (Effect.isEffect(result)) {
        this.inflight = true
        this.inflightLines = batch.lines
        Runtime.runCallback(this.runtime)(result as Effect.Effect<unknown, unknown>, {
          onExit: (exit) => {
            this.inflight = false
            if (Exit.isSuccess(exit)) this.ok(batch.lines)
            else this.fail(batch.lines, Exit.isFailure(exit) ? exit.cause : undefined)
            this.afterBatch()
          }
        })
        return
      }
      this.ok(batch.lines)
      this.afterBatch()
    }
  }

  private callOut(chunk: string): void | Effect.Effect<unknown, unknown> {
    const call = this.out.call!
    if (!this.out.perLine) return call(chunk)
    // console: one call per line, without the "\n" the console adds
    let start = 0
    for (;;) {
      const nl = chunk.indexOf("\n", start)
      if (nl < 0) break
      call(chunk.slice(start, nl))
      start = nl + 1
    }
  }

  /** One `writev` of the in-flight buffers; partial writes continue, EAGAIN retried. */
  private writeFd(): void {
    const bufs = this.inflightBufs!
    this.inflightStart = this.fileOffset
    const gen = ++this.writeGen
    this.loopTurned = false
    setImmediate(() => {
      this.loopTurned = true
    })
    fs.writev(this.out.fd!, bufs, (err, n) => {
      if (gen !== this.writeGen) return // already settled by adoptInflight
      if (err) {
        if (err.code === "EAGAIN") {
          // non-blocking pipe full: retry shortly, keep the order
          setTimeout(() => this.writeFd(), 2)
          return
        }
        this.inflight = false
        this.inflightBufs = undefined
        this.fail(this.inflightLines, err)
        this.afterBatch()
        return
      }
      if (this.fileOffset >= 0) this.fileOffset += n
      while (n > 0 && bufs.length > 0) {
        const first = bufs[0]!
        if (n >= first.length) {
          n -= first.length
          bufs.shift()
        } else {
          bufs[0] = first.subarray(n)
          n = 0
        }
      }
      if (bufs.length > 0 && bufs.some((b) => b.length > 0)) {
        this.writeFd()
        return
      }
      this.inflight = false
      this.inflightBufs = undefined
      this.ok(this.inflightLines)
      this.afterBatch()
    })
  }

  private ok(lines: number): void {
    this.written += lines
    this.settle(lines)
  }

  private fail(lines: number, e: unknown): void {
    this.failed += lines
    this.errors++
    this.lastError = errText(e)
    if (!this.reportedFailure) {
      this.reportedFailure = true
      this.stderr(
        `effect-foundation: log sink (${describeTarget(this.options.target)}) failed: ${this.lastError}; ` +
          `the program keeps running, failed lines are counted (LogSink stats / flush report) and not reported again\n`
      )
    }
    this.settle(lines)
  }

  private afterBatch(): void {
    if (this.hasQueued()) {
      if (this.sealedBytes + this.curBytes >= this.flushSize || this.flushUntil > this.settled || this.closed) this.pump()
    }
  }

  /** The interval tick. */
  tick(): void {
    if (!this.inflight) this.pump()
  }

  // -- synchronous paths ----------------------------------------------------------

  /** Writes everything queued synchronously (block policy, exit hook). `final`: also handle an in-flight write. */
  drainSync(final: boolean): void {
    if (final && this.inflight && this.inflightBufs !== undefined) this.finishInflightSync()
    const batch = this.take()
    if (batch === undefined) return
    this.batches++
    const { call, fd } = this.out
    try {
      if (fd !== undefined) {
        for (const buf of batch.data as Array<Buffer>) {
          writeAllSync(fd, buf)
          if (this.fileOffset >= 0) this.fileOffset += buf.length
        }
      } else if (call !== undefined) {
        const r = this.callOut(batch.data as string)
        if (Effect.isEffect(r)) Runtime.runSync(this.runtime)(r as Effect.Effect<unknown, unknown>)
      }
      this.ok(batch.lines)
    } catch (e) {
      this.fail(batch.lines, e)
    }
  }

  /**
   * At process exit an async write may still be in the thread pool. For a
   * file we own we know the offset it started at: wait (briefly) for the file
   * to reach its end, and write whatever part is missing ourselves. For other
   * descriptors the write is already in the kernel's hands.
   */
  private writeGen = 0
  private loopTurned = true

  /**
   * The buffer is full while a write is in flight and the event loop has not
   * turned since it started: the target is not behind, its completion callback
   * just cannot run (a fiber logging without yielding). For a file we own,
   * check the file size: when the write has landed, settle it here (its
   * callback will be ignored) so the buffer can be written synchronously
   * instead of dropping lines. `false`: could not tell; the policy applies.
   */
  private adoptInflight(): boolean {
    if (!this.inflight || this.loopTurned || !this.out.ownsFd || this.inflightStart < 0 || this.inflightBufs === undefined) return false
    const total = this.inflightBufs.reduce((a, b) => a + b.length, 0)
    for (let i = 0; i < 50; i++) {
      let size: number
      try {
        size = fs.fstatSync(this.out.fd!).size
      } catch {
        return false
      }
      if (size >= this.inflightStart + total) {
        this.writeGen++
        this.fileOffset = this.inflightStart + total
        this.inflight = false
        this.inflightBufs = undefined
        this.ok(this.inflightLines)
        return true
      }
      sleepSync(1)
    }
    return false
  }

  private finishInflightSync(): void {
    const buf = Buffer.concat(this.inflightBufs!)
    const fd = this.out.fd!
    let done = 0
    if (this.out.ownsFd && this.inflightStart >= 0) {
      for (let i = 0; i < 200; i++) {
        let size = -1
        try {
          size = fs.fstatSync(fd).size
        } catch {
          break
        }
        done = Math.max(done, Math.min(buf.length, size - this.inflightStart))
        if (done >= buf.length) break
        sleepSync(1)
      }
      if (done < buf.length) {
        try {
          writeAllSync(fd, buf.subarray(done))
        } catch (e) {
          this.inflight = false
          this.fail(this.inflightLines, e)
          return
        }
      }
    }
    this.inflight = false
    this.inflightBufs = undefined
    this.ok(this.inflightLines)
  }

  /** A line that arrives after shutdown: written synchronously so it is not lost. */
  private writeLate(line: string): void {
    try {
      const { call, fd, file, ownsFd } = this.out
      if (fd !== undefined && !ownsFd) writeAllSync(fd, Buffer.from(line, "utf8"))
      else if (file !== undefined) fs.appendFileSync(file, line)
      else if (call !== undefined) {
        const r = this.callOut(line)
        if (Effect.isEffect(r)) Runtime.runSync(this.runtime)(r as Effect.Effect<unknown, unknown>)
      }
      this.written++
    } catch (e) {
      this.failed++
      this.errors++
      this.lastError = errText(e)
    }
  }

  installExitHook(): void {
    if (this.exitListener !== undefined) return
    this.exitListener = () => {
      try {
        this.drainSync(true)
      } catch {
        // never throw at exit
      }
    }
    process.on("exit", this.exitListener)
  }

  removeExitHook(): void {
    if (this.exitListener !== undefined) {
      process.removeListener("exit", this.exitListener)
      this.exitListener = undefined
    }
  }

  /** Points a file sink at `file` again (log rotation). On failure the old descriptor is kept, the failure counted and reported once. */
  reopen(): Effect.Effect<boolean> {
    return Effect.sync(() => {
      const file = this.out.file
      if (file === undefined || this.out.fd === undefined) return false
      let fd: number
      try {
        fs.mkdirSync(path.dirname(file), { recursive: true })
        fd = fs.openSync(file, "a")
      } catch (e) {
        this.errors++
        this.lastError = errText(e)
        if (!this.reportedFailure) {
          this.reportedFailure = true
          this.stderr(`effect-foundation: log sink cannot reopen ${file}: ${this.lastError}; still writing to the previously opened file\n`)
        }
        return false
      }
      const old = this.out.fd
      const swap = () => {
        ;(this.out as { fd: number | undefined }).fd = fd
        try {
          this.fileOffset = fs.fstatSync(fd).size
        } catch {
          this.fileOffset = -1
        }
        try {
          fs.closeSync(old)
        } catch {
          // already closed
        }
      }
      if (!this.inflight) swap()
      else {
        const check = setInterval(() => {
          if (!this.inflight) {
            clearInterval(check)
            swap()
          }
        }, 1)
      }
      return true
    })
  }

  // -- flush / shutdown -------------------------------------------------------------

  private pendingLines(): number {
    return this.enqueued - this.settled
  }

  stats(): SinkStats {
    return {
      accepted: this.accepted,
      written: this.written,
      dropped: this.dropped,
      failed: this.failed,
      pending: this.pendingLines(),
      pendingBytes: this.sealedBytes + this.curBytes + (this.inflightBufs === undefined ? 0 : this.inflightBufs.reduce((a, b) => a + b.length, 0)),
      batches: this.batches,
      errors: this.errors,
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
        const pending = Math.max(0, until - this.settled)
        return {
          status: failed > 0 ? "failed" : timedOut && pending > 0 ? "timed_out" : "flushed",
          written: this.written - written0,
          failed,
          pending: timedOut ? this.pendingLines() : pending,
          dropped: this.dropped,
          durationMillis: this.clock.unsafeCurrentTimeMillis() - start
        }
      }
      if (this.settled >= until && this.droppedUnreported === 0) return Effect.succeed(report(false))
      this.flushUntil = Math.max(this.flushUntil, until)
      if (this.overflow === "block" && !this.inflight) this.drainSync(false)
      else if (!this.inflight) this.pump()
      if (this.settled >= until) return Effect.succeed(report(false))
      const limit = Duration.decode(deadline ?? this.shutdownTimeout)
      // a zero deadline: start the write, do not wait for it
      if (Duration.toMillis(limit) <= 0) return Effect.succeed(report(true))
      const wait = Effect.async<void>((resume) => {
        // the batch may have settled between the check above and this registration
        if (this.settled >= until) return resume(Effect.void)
        const w: Waiter = { until, resume: () => resume(Effect.void) }
        this.waiters.push(w)
        return Effect.sync(() => {
          this.waiters = this.waiters.filter((x) => x !== w)
        })
      })
      return wait.pipe(
        Effect.timeoutTo({
          duration: limit,
          onSuccess: () => false,
          onTimeout: () => true
        }),
        Effect.map(report)
      )
    })

  /** Flushes with the deadline, then closes: later lines are written synchronously. Idempotent: every call returns the first call's report. */
  readonly shutdown = (deadline?: Duration.DurationInput): Effect.Effect<FlushReport> =>
    Effect.suspend(() => {
      if (this.shutdownReport !== undefined) return Effect.promise(() => this.shutdownReport!)
      let resolve!: (r: FlushReport) => void
      this.shutdownReport = new Promise<FlushReport>((r) => (resolve = r))
      return this.flush(deadline).pipe(
        Effect.tap((report) =>
          Effect.sync(() => {
            this.closed = true
            // a timed-out flush leaves lines queued: the exit hook (if any) still writes them
            if (this.pendingLines() === 0) this.closeFd()
            resolve(report)
          })
        ),
        Effect.onInterrupt(() =>
          Effect.sync(() => {
            this.closed = true
            resolve({ status: "timed_out", written: 0, failed: 0, pending: this.pendingLines(), dropped: this.dropped, durationMillis: 0 })
          })
        )
      )
    })

  private closeFd(): void {
    if (this.out.ownsFd && this.out.fd !== undefined && !this.inflight) {
      try {
        fs.closeSync(this.out.fd)
      } catch {
        // ignore
      }
      ;(this.out as { fd: number | undefined }).fd = undefined
    }
  }
}

// ---------------------------------------------------------------------------
// Construction
// ---------------------------------------------------------------------------

const stderrReporter = (text: string): void => {
  try {
    fs.writeSync(2, text)
  } catch {
    // stderr is gone too: nothing left to tell
  }
}

/** Opens the target and builds the sink (no fibers, no hooks: see `LogSink.make`). */
export const open = (options: Options): Effect.Effect<Sink, LogSinkError> =>
  Effect.gen(function*() {
    const stderr = options.report ?? stderrReporter
    const runtime = yield* Effect.runtime<never>()
    const clock = yield* Effect.clock
    const target = options.target
    if (target === "stdout" || target === "stderr") {
      return new Sink(options, { fd: target === "stdout" ? 1 : 2, ownsFd: false, file: undefined, call: undefined, perLine: false }, runtime, clock, stderr)
    }
    if (target === "console") {
      const console: Console.Console = yield* Effect.console
      const log = console.unsafe.log.bind(console.unsafe)
      return new Sink(options, { fd: undefined, ownsFd: false, file: undefined, call: (l: string) => log(l), perLine: true }, runtime, clock, stderr)
    }
    if (typeof target === "function") {
      return new Sink(options, { fd: undefined, ownsFd: false, file: undefined, call: target, perLine: false }, runtime, clock, stderr)
    }
    if ("fd" in target) {
      return new Sink(options, { fd: target.fd, ownsFd: false, file: undefined, call: undefined, perLine: false }, runtime, clock, stderr)
    }
    const file = target.file
    const fd = yield* Effect.try({
      try: () => {
        fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
        return fs.openSync(file, "a")
      },
      catch: (e) =>
        new LogSinkError({ message: `cannot open log file ${JSON.stringify(file)} (PROVIDE_LOG_FILE): ${errText(e)}`, target: `file ${file}`, cause: e })
    })
    return new Sink(options, { fd, ownsFd: true, file, call: undefined, perLine: false }, runtime, clock, stderr)
  })

/** The interval flusher: a fiber in the sink's scope, sleeping on the Clock. */
export const intervalFlusher = (sink: Sink, interval: Duration.DurationInput): Effect.Effect<never> =>
  Effect.forever(Effect.zipRight(Effect.sleep(interval), Effect.sync(() => sink.tick())))
