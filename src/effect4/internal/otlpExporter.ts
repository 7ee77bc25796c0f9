/**
 * OTLP export, the exporter (effect 4; the root's `otlpExporter.ts`, ported): a bounded queue of converted records, sent in
 * batches by one background fiber (when a batch is full, or every
 * `scheduledDelay`), by a flush, and by the shutdown.
 *
 * Its state is one plain value, {@link ExporterState}: the queue, the
 * records in flight, the counters and the shutdown's progress; the breaker
 * keeps its own (`breaker.state`). {@link OtlpExporter} holds the state and
 * the steps that change it, each a method:
 *
 * - `enqueue`: a record from the logger (full: dropped before it is
 *   converted, counted, and reported by one warning line per episode once
 *   there is room again);
 * - `sendOne`: one batch sent, kept for the next round (a transient failure:
 *   back to the head of the queue, within the bound) or given up on;
 * - `sendWithRetries`: the retry policy's waits (at least `Retry-After`), never
 *   past the mode's deadline, behind the breaker (except at shutdown);
 * - `flush` and `shutdown`, holding the one send permit (batches stay in
 *   order; the shutdown never interrupts a request the collector may already
 *   have accepted) within their deadline; `atExit` counts and reports what
 *   is still held when the process exits.
 *
 * Its own work is never exported nor traced (see `own`).
 *
 * @internal
 */
import { platform } from "#platform"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Latch from "effect/Latch"
import type * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as References from "effect/References"
import * as Semaphore from "effect/Semaphore"
import type { Item } from "../../core/otlpJson.js"
import { maxRetryAfterMillis } from "../../core/otlpRequest.js"
import { exitReport, ExporterState } from "../../core/otlpState.js"
import { Queued } from "../../core/queue.js"
import { Binding } from "../../core/record.js"
import { type CompiledPolicy, nextDelay } from "../../core/retry.js"
import type * as CircuitBreaker from "../CircuitBreaker.js"
import type { FlushReport } from "../LogSink.js"
import type { Flushable } from "../Telemetry.js"
import type { CircuitOpenError } from "./circuitBreaker.js"
import { emptyReport } from "./flush.js"
import { logRecord } from "./log.js"
import type { Resolved } from "./otlpConfig.js"
import type { ExportError, Transport } from "./otlpHttp.js"

/** @internal */
export interface Exporter extends Flushable {
  /** Records dropped because the queue was full (total). */
  readonly dropped: () => number
  /** Records exported (total). */
  readonly written: () => number
  /** Records given up on (rejected by the collector, or unsent at shutdown) (total). */
  readonly failed: () => number
  /** Records queued or in flight. */
  readonly pending: () => number
}

const otlpBinding = new Binding("otlp", undefined)

/**
 * How a batch is sent: put back on a transient failure (or given up), within which deadline, cut short by
 * shutdown; `untilDeadline` (the shutdown): retried with the policy's backoff until the deadline, however many
 * attempts that takes, past the breaker (a breaker opened by the outage would otherwise hold every batch
 * past the deadline).
 */
interface Mode {
  readonly requeue: boolean
  readonly deadlineAt: number | undefined
  readonly stopOnShutdown: boolean
  readonly untilDeadline: boolean
}

type Sent =
  | { readonly _tag: "sent" | "empty" | "given_up"; readonly count: number }
  | { readonly _tag: "kept"; readonly count: number; readonly retryAt: number | undefined }

const empty: Sent = { _tag: "empty", count: 0 }

const loopMode: Mode = { requeue: true, deadlineAt: undefined, stopOnShutdown: true, untilDeadline: false }

const shutdownMode = (deadlineAt: number): Mode => ({
  requeue: false,
  deadlineAt,
  stopOnShutdown: false,
  untilDeadline: true
})

const nothing: Effect.Effect<FlushReport> = Effect.succeed(emptyReport)

/**
 * The exporter when export is off (`grpc` asked for): nothing queued, nothing sent.
 *
 * @internal
 */
export const disabled: Exporter = {
  flush: () => nothing,
  shutdown: () => nothing,
  dropped: () => 0,
  written: () => 0,
  failed: () => 0,
  pending: () => 0
}

/**
 * The exporter: its {@link ExporterState}, what it sends with (the transport, the breaker, the
 * retry policy), and the steps that move records from the queue to the collector.
 *
 * @internal
 */
export class OtlpExporter implements Exporter {
  readonly state: ExporterState
  /** The exporter's own logger, left out while the exporter works (see `own`); set by `install`. */
  self: Logger.Logger<unknown, any> | undefined = undefined
  /** Wakes the loop when a batch is full. */
  private readonly wake = Latch.makeUnsafe(false)
  /** Completed when the shutdown begins: a loop or flush waiting to retry stops waiting. */
  private readonly stopping = Deferred.makeUnsafe<void>()
  /** One sender at a time (the loop, a flush, the shutdown), so batches stay in order. */
  private readonly sending = Semaphore.makeUnsafe(1)
  private loopFiber: Fiber.Fiber<never, never> | undefined = undefined
  private shutdownReport: Deferred.Deferred<FlushReport> | undefined = undefined
  private removeExitHook: (() => void) | undefined = undefined

  constructor(
    readonly config: Resolved,
    readonly transport: Transport,
    readonly breaker: CircuitBreaker.CircuitBreaker,
    readonly policy: CompiledPolicy,
    /** The lowest level ordinal exported. */
    readonly minimum: number
  ) {
    this.state = new ExporterState(config.maxQueueSize)
  }

  readonly dropped = (): number => this.state.queue.dropped
  readonly written = (): number => this.state.written
  readonly failed = (): number => this.state.failed
  readonly pending = (): number => this.state.pending

  /** A record from the logger: `item` converts it, only when it is kept. Never throws. */
  enqueue(ordinal: number, item: () => Item): void {
    const { queue } = this.state
    if (ordinal < this.minimum) return
    if (this.state.closed) return void queue.dropped++
    // full: dropped before it is converted
    if (queue.weight >= queue.capacity) return this.state.dropOne()
    let it: Item
    try {
      it = item()
    } catch {
      return this.state.dropOne()
    }
    if (queue.offer(it, 1) === Queued && queue.length >= this.config.maxBatchSize) this.wake.openUnsafe()
  }

  /**
   * At process exit (`process.exit`, a signal nobody handles): nothing can be
   * sent any more, but what the exporter holds is counted as dropped and
   * reported, synchronously, on stderr.
   */
  readonly atExit = (): void => {
    const state = this.state
    if (state.finished) return
    state.finished = state.closed = true
    const queued = state.queue.take(Infinity).length
    state.queue.dropped += queued
    const text = exitReport(this.config.endpoint, queued, state.queue.takeUnreported(), state.inflight)
    if (text !== undefined) platform?.report(text)
  }

  /** Starts the loop and the exit hook. */
  start(): Effect.Effect<void> {
    return Effect.suspend(() => {
      this.removeExitHook = platform?.onExit(this.atExit)
      return Effect.map(Effect.forkDetach(this.own(this.loop())), (fiber) => {
        this.loopFiber = fiber
      })
    })
  }

  /** The exporter's own work: its lines do not feed the export, and nothing it does is traced. */
  own<A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> {
    const logger = this.self
    const local = logger === undefined
      ? self
      : Effect.updateService(self, References.CurrentLoggers, (all) => {
        const rest = new Set(all)
        rest.delete(logger)
        return rest
      })
    return Effect.withTracerEnabled(local, false)
  }

  /** One warning line per episode of drops, once there is room again (the sink's rule). */
  reportDrops(): Effect.Effect<void> {
    return Effect.suspend(() => {
      const { queue } = this.state
      const n = queue.takeUnreported()
      if (n === 0) return Effect.void
      return logRecord("warning", otlpBinding, `OTLP export queue full: ${n} records dropped`, {
        dropped: n,
        dropped_total: queue.dropped,
        max_queue_size: this.config.maxQueueSize,
        endpoint: this.config.endpoint
      })
    })
  }

  /** Counted as failed; reported once (the breaker logs its own state changes). */
  private giveUp(reason: string, count: number): Effect.Effect<void> {
    return Effect.suspend(() => {
      this.state.failed += count
      if (this.state.reportedLoss) return Effect.void
      this.state.reportedLoss = true
      return logRecord("warning", otlpBinding, "OTLP export is losing records", {
        records: count,
        reason,
        endpoint: this.config.endpoint
      })
    })
  }

  /** Waits `millis`; `false` when the shutdown began first (and the wait was cut short). */
  private pause(millis: number, mode: Mode): Effect.Effect<boolean> {
    const sleep = Effect.as(Effect.sleep(Duration.millis(millis)), true)
    return mode.stopOnShutdown ? Effect.raceFirst(sleep, Effect.as(Deferred.await(this.stopping), false)) : sleep
  }

  /**
   * The wait before attempt `n + 1` after `e`: the policy's delay, at least
   * `Retry-After` (at most a minute of it); `undefined` when the policy's
   * elapsed time (unless `mode.untilDeadline`) or the mode's deadline leaves
   * no room for it.
   */
  private nextWait(e: ExportError, n: number, previous: number, start: number, mode: Mode) {
    const policy = this.policy
    return Effect.flatMap(
      policy.jitter === "none" ? Effect.succeed(0) : Random.next,
      (u) =>
        Effect.map(Clock.currentTimeMillis, (now): number | undefined => {
          let delay = nextDelay(policy, n, u, previous)
          if (e.retryAfterMillis !== undefined) {
            delay = Math.max(delay, Math.min(e.retryAfterMillis, maxRetryAfterMillis))
          }
          if (!mode.untilDeadline && now - start + delay > policy.maxElapsedMs) return undefined
          if (mode.deadlineAt !== undefined && now + delay >= mode.deadlineAt) {
            // the shutdown: no time for another attempt, nor for the batches after this one
            if (mode.untilDeadline) this.state.outOfTime = true
            return undefined
          }
          if (mode.untilDeadline) this.state.retrying = true
          return delay
        })
    )
  }

  /**
   * Sends with retries (see {@link nextWait}); the policy's attempt count bounds
   * them unless `mode.untilDeadline`, which also bypasses the breaker.
   */
  private sendWithRetries(
    request: HttpClientRequest.HttpClientRequest,
    mode: Mode
  ): Effect.Effect<void, ExportError | CircuitOpenError> {
    return Effect.flatMap(Clock.currentTimeMillis, (start) => {
      if (mode.untilDeadline) this.state.retrying = false
      const attempt = this.transport.attempt(request)
      const once = mode.untilDeadline ? attempt : this.breaker.protect(attempt)
      const go = (n: number, previous: number): Effect.Effect<void, ExportError | CircuitOpenError> =>
        Effect.catch(once, (e) => {
          if (e._tag !== "OtlpExportError" || !e.retryable || (!mode.untilDeadline && n >= this.policy.maxAttempts)) {
            return Effect.fail(e)
          }
          return Effect.flatMap(this.nextWait(e, n, previous, start, mode), (delay) =>
            delay === undefined
              ? Effect.fail(e)
              : Effect.flatMap(this.pause(delay, mode), (waited) => (waited ? go(n + 1, delay) : Effect.fail(e))))
        })
      return go(1, this.policy.delayMs)
    })
  }

  /** One batch: sent, kept for the next round (transient failure, `mode.requeue`), or given up on. */
  private sendOne(mode: Mode): Effect.Effect<Sent> {
    return Effect.suspend(() => {
      const state = this.state
      if (state.queue.length === 0) return Effect.succeed(empty)
      const batch = state.queue.take(this.config.maxBatchSize, this.config.maxBatchSize)
      const count = batch.length
      state.inflight += count
      const send = Effect.flatMap(this.transport.request(batch), (request) => this.sendWithRetries(request, mode))
      // the queue has room again: say how many records it dropped
      return Effect.andThen(this.reportDrops(), send).pipe(
        Effect.ensuring(Effect.sync(() => {
          state.inflight -= count
        })),
        // Interrupted mid-request (a deadline): the batch goes back, to be counted.
        Effect.onInterrupt(() => Effect.sync(() => state.putBack(batch))),
        Effect.map((): Sent => {
          state.written += count
          return { _tag: "sent", count }
        }),
        Effect.catch((e): Effect.Effect<Sent> => {
          const transient = e._tag === "CircuitOpenError" || e.retryable
          if (transient && mode.requeue) {
            state.putBack(batch)
            const retryAt = e._tag === "CircuitOpenError" ? e.retryAt.getTime() : undefined
            return Effect.succeed({ _tag: "kept", count, retryAt })
          }
          return Effect.as(this.giveUp(e.message, count), { _tag: "given_up", count } as const)
        })
      )
    })
  }

  /** Sends until the queue is empty or a batch must wait; with `fullOnly` (the size trigger), full batches only. */
  private drain(fullOnly: boolean): Effect.Effect<void> {
    return Effect.suspend(() =>
      fullOnly && this.state.queue.length < this.config.maxBatchSize
        ? Effect.void
        : Effect.flatMap(
          this.sendOne(loopMode),
          (r) => (r._tag === "sent" || r._tag === "given_up" ? this.drain(fullOnly) : Effect.void)
        )
    )
  }

  /** Sends a batch when one is full or every `scheduledDelay`, forever. */
  private loop(): Effect.Effect<never> {
    return Effect.forever(
      Effect.flatMap(
        Effect.raceFirst(
          Effect.as(Effect.sleep(this.config.scheduledDelay), "interval" as const),
          Effect.as(this.wake.await, "size" as const)
        ),
        (trigger) =>
          this.sending.withPermits(1)(
            Effect.andThen(this.wake.close, Effect.andThen(this.drain(trigger === "size"), this.reportDrops()))
          )
      )
    )
  }

  /**
   * A flush: sends the `budget` records queued when it began (and whatever
   * shares their batches); a batch that must wait is tried again until the
   * deadline cuts the flush (or the shutdown begins).
   */
  private flushing(budget: { left: number }, deadlineAt: number): Effect.Effect<void> {
    const mode: Mode = { requeue: true, deadlineAt, stopOnShutdown: true, untilDeadline: false }
    const next: Effect.Effect<void> = Effect.suspend(() => {
      if (budget.left <= 0 || this.state.closed) return Effect.void
      return Effect.flatMap(this.sendOne(mode), (r) => {
        if (r._tag === "empty") return Effect.void
        if (r._tag !== "kept") {
          budget.left -= r.count
          return next
        }
        return Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const wait = Math.max(1, r.retryAt === undefined ? this.policy.delayMs : r.retryAt - now)
          return Effect.flatMap(this.pause(wait, mode), (waited) => (waited ? next : Effect.void))
        })
      })
    })
    return next
  }

  /** Runs `work` holding the send permit, within the deadline (interruptible even in a finalizer, so the deadline can cut a hanging request). */
  private timed(work: (deadlineAt: number) => Effect.Effect<void>, deadline: Duration.Input | undefined) {
    const limit = Duration.fromInputUnsafe(deadline ?? this.config.shutdownTimeout)
    return Effect.flatMap(
      Clock.currentTimeMillis,
      (start) =>
        Effect.interruptible(this.sending.withPermits(1)(work(start + Duration.toMillis(limit)))).pipe(
          Effect.timeoutOption(limit),
          Effect.map((done) => ({ inTime: Option.isSome(done), start }))
        )
    )
  }

  /** Sends what was queued when it began, within `deadline` (default `shutdownTimeout`). */
  readonly flush = (deadline?: Duration.Input): Effect.Effect<FlushReport> =>
    this.own(Effect.gen({ self: this }, function*() {
      const state = this.state
      const before = { written: state.written, failed: state.failed }
      const budget = { left: state.queue.length }
      const { inTime, start } = yield* this.timed((deadlineAt) => this.flushing(budget, deadlineAt), deadline)
      yield* this.reportDrops()
      const failedNow = state.failed - before.failed
      const all = state.pending
      // in time: the records queued when the flush began that are still waiting; else all of them
      const pending = inTime ? Math.min(all, Math.max(0, budget.left)) : all
      return {
        status: failedNow > 0 ? "failed" : pending > 0 ? "timed_out" : "flushed",
        written: state.written - before.written,
        failed: failedNow,
        pending,
        dropped: state.queue.dropped,
        durationMillis: (yield* Clock.currentTimeMillis) - start
      } satisfies FlushReport
    }))

  /** Everything left, each batch sent or given up on (the shutdown); once a batch ran out of time, the rest is left to give up. */
  private drainAll(deadlineAt: number): Effect.Effect<void> {
    return Effect.flatMap(
      this.sendOne(shutdownMode(deadlineAt)),
      (r) => (r._tag === "empty" || this.state.outOfTime ? Effect.void : this.drainAll(deadlineAt))
    )
  }

  /** Sends everything left within `deadline`, retrying each batch until it; idempotent (later calls get the first report). */
  readonly shutdown = (deadline?: Duration.Input): Effect.Effect<FlushReport> =>
    Effect.suspend(() => {
      if (this.shutdownReport !== undefined) return Deferred.await(this.shutdownReport)
      const done = Deferred.makeUnsafe<FlushReport>()
      this.shutdownReport = done
      return Effect.uninterruptible(this.own(Effect.tap(this.closing(deadline), (report) => {
        this.state.finished = true
        this.removeExitHook?.()
        return Deferred.succeed(done, report)
      })))
    })

  /** The shutdown's work: stop the loop, send what is left until the deadline, give up on the rest. */
  private closing(deadline: Duration.Input | undefined): Effect.Effect<FlushReport> {
    return Effect.gen({ self: this }, function*() {
      const state = this.state
      state.closed = true
      // a loop or flush waiting to retry stops waiting: the batch goes back, the shutdown sends it
      yield* Deferred.succeed(this.stopping, undefined)
      const before = { written: state.written, failed: state.failed }
      const fiber = this.loopFiber
      const stopLoop = fiber === undefined ? Effect.void : Fiber.interrupt(fiber)
      // Holding the permit, the loop is idle: stop it, then send what is left.
      const { inTime, start } = yield* this.timed(
        (deadlineAt) => Effect.andThen(stopLoop, this.drainAll(deadlineAt)),
        deadline
      )
      // Deadline passed: stop the loop's request too (its batch goes back to the queue).
      if (!inTime) yield* stopLoop
      const left = state.queue.take(Infinity).length
      if (left > 0) yield* this.giveUp(inTime ? "collector unavailable at shutdown" : "shutdown deadline reached", left)
      yield* this.reportDrops()
      const failedNow = state.failed - before.failed
      return {
        status: !inTime && !state.retrying ? "timed_out" : failedNow > 0 ? "failed" : "flushed",
        written: state.written - before.written,
        failed: failedNow,
        pending: 0,
        dropped: state.queue.dropped,
        durationMillis: (yield* Clock.currentTimeMillis) - start
      } satisfies FlushReport
    })
  }
}
