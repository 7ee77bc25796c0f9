/**
 * The non-blocking, batched writer under every format.
 *
 * Records are formatted on the logging fiber and handed to `write` as whole
 * lines; bytes leave in batches, when the buffer reaches `flushSize` or every
 * `flushInterval` (a fiber in the sink's scope sleeping on the `Clock`), or on
 * `flush` / `shutdown`. A file, `/dev/null` or a terminal is written
 * synchronously, a batch at a time (it is never behind); a pipe or socket
 * without blocking, in line-aligned pieces of at most 4 KiB, the rest retried
 * while the buffer fills. A file target can rotate by size and time (see
 * {@link RotateOptions}). The buffer is bounded by `maxBufferBytes`; when it is
 * full (only a target that is behind fills it) the `overflow` policy applies
 * and the dropped records are counted, then reported by one warning line once
 * there is room again.
 *
 * The contract: for every target, with N lines logged, written +
 * reported-dropped = N; no line is split or spliced with another; logging
 * never blocks the event loop; a flush or shutdown ends within its deadline.
 * A failing target (a throwing writer, a closed stdout, a full disk) never
 * breaks the program: failed lines are counted, the first failure is reported
 * once on stderr (on stdout when stderr cannot take it: it may be the very
 * target that is stuck). Closing the sink's scope flushes everything within
 * `shutdownTimeout` (5 s), then drops and reports what is left; an exit hook
 * writes what is still buffered synchronously on `process.exit()`, an uncaught
 * exception or an unhandled signal, within the same timeout (one deadline for
 * the whole exit, however many sinks there are). A closed sink never writes to
 * its descriptor again (the number may belong to another file or socket by
 * then): a line logged after the close goes to the report stream instead.
 *
 * | option | variable | default |
 * |---|---|---|
 * | `target` | `PROVIDE_LOG_FILE` (a path: appended, parent folders created), `PROVIDE_LOG_STREAM` (`stdout` / `stderr`) | `stdout` |
 * | `flushSize` | `PROVIDE_LOG_FLUSH_SIZE` (bytes; `k` / `m` suffixes) | 64 KiB |
 * | `flushInterval` | `PROVIDE_LOG_FLUSH_INTERVAL` (ms, or `250 ms`, `1 s`) | 100 ms |
 * | `maxBufferBytes` | `PROVIDE_LOG_MAX_BUFFER_BYTES` | 8 MiB |
 * | `overflow` | `PROVIDE_LOG_OVERFLOW` (`drop_oldest`, `drop_newest`, `block`) | `drop_oldest` |
 * | `shutdownTimeout` | `PROVIDE_LOG_SHUTDOWN_TIMEOUT` | 5 s |
 * | `exitHook` | `PROVIDE_LOG_EXIT_HOOK` (true/false/1/0/yes/no/on/off) | on |
 * | `target.rotate.maxSize` | `PROVIDE_LOG_FILE_MAX_SIZE` (`10m`, `10 MiB`) | no size rotation |
 * | `target.rotate.interval` | `PROVIDE_LOG_FILE_INTERVAL` (`1 day`, `6 h`) | no time rotation |
 * | `target.rotate.maxFiles` | `PROVIDE_LOG_FILE_MAX_FILES` | all kept |
 * | `target.rotate.compress` | `PROVIDE_LOG_FILE_COMPRESS` | off |
 * | `target.reopenOnSignal` | `PROVIDE_LOG_FILE_REOPEN_SIGNAL` (`SIGHUP`, `SIGUSR2`) | off |
 *
 * The Effect 4 binding: the same sink, options, variables and behaviour as the package root's `LogSink`.
 *
 * @since 0.2.0
 */
import type * as Config from "effect/Config"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { parseBytes as parseBytesImpl } from "../core/parse.js"
import * as flush from "./internal/flush.js"
import { makeSink } from "./internal/makeSink.js"
import { parseDuration as parseDurationImpl } from "./internal/parse.js"
import * as internal from "./internal/sink.js"
import { sinkConfig } from "./internal/sinkOptions.js"
import type { Flushable } from "./Telemetry.js"

/**
 * What to do with a record when the buffer is full, which happens only when
 * the target is behind (a pipe or socket whose reader lags, an async writer):
 * - `drop_oldest` (default): discard the oldest buffered records to make room;
 * - `drop_newest`: discard the new record;
 * - `block`: never drop; `Log.*` waits (asynchronously) for room. Records from
 *   `Effect.log*`, which cannot wait, are queued up to twice the bound, then
 *   dropped and counted.
 *
 * @since 0.2.0
 * @category models
 */
export type OverflowPolicy = "drop_oldest" | "drop_newest" | "block"

/**
 * A user writer, called with a batch of whole lines (each ending in `"\n"`).
 * It may return an `Effect`, which is run; one batch at a time.
 *
 * @since 0.2.0
 * @category models
 */
export type Writer = (chunk: string) => void | Effect.Effect<unknown, unknown>

/**
 * Rotation of a file target (Node): by size, by time, or both, keeping a
 * bounded number of rotated files, optionally gzipped in the background.
 *
 * The file is renamed to `<name>.<UTC time>.<ext>` (`app.log` becomes
 * `app.2026-11-30T00-00-00.000.log`) and a new one is opened under the
 * original name, synchronously between two batches: a line is in exactly one
 * file, never split between two, and nothing is in flight at any moment
 * (the exit hook and the shutdown flush find nothing half-written). The time
 * in the name is the `Clock`'s at the rotation (`TestClock` in tests), moved
 * forward by a millisecond when needed so that a name is never reused and
 * never sorts before an existing rotated file's: sorting the names sorts the
 * files by age.
 *
 * A rotation that fails (a read-only folder, no space for a new file) is
 * counted (`stats().errors`) and reported once on stderr; logging goes on in
 * the current file, and the next size rotation is tried after `maxSize` more
 * bytes (the next time rotation at the next boundary). Several processes must
 * not rotate one file: give each its own.
 *
 * @since 0.2.0
 * @category models
 */
export interface RotateOptions {
  /**
   * Rotates before a batch would take the file past this size (bytes, or
   * `"10 MiB"`, `"512k"`): the lines that fit stay, the rest start the next
   * file. A single line longer than this gets a file of its own.
   */
  readonly maxSize?: number | string | undefined
  /**
   * Rotates at every multiple of this duration since the Unix epoch, in UTC:
   * `"1 day"` at 00:00 UTC, `"1 hour"` on the hour; and at start when the
   * file was last written in an earlier period. An empty file is not rotated.
   * The decision is made on the sink's `Clock`, so `TestClock.adjust` drives it.
   */
  readonly interval?: Duration.Input | undefined
  /** Rotated files kept (the current file aside); the oldest beyond are deleted in the background. Default: all kept. */
  readonly maxFiles?: number | undefined
  /**
   * Gzips rotated files in the background (off the event loop, never
   * blocking logging): `<rotated name>.gz` appears once complete, then the
   * uncompressed file is removed. A compression cut short by the process's
   * exit is done again at the next rotation. Default: off.
   */
  readonly compress?: boolean | undefined
}

/**
 * A file target: appended, parent folders created.
 *
 * - `rotate`: see {@link RotateOptions}.
 * - `reopenOnSignal: "SIGHUP"` (Node): on that signal the file is opened
 *   again under its path and the process keeps running, as logrotate's
 *   `postrotate` (`kill -HUP`) expects after renaming the file. Lines still
 *   buffered then go to the new file. Without it, a SIGHUP the program does
 *   not handle flushes and ends the process (its default action).
 *   `LogSink.reopen` does the same from code.
 *
 * @since 0.2.0
 * @category models
 */
export interface FileTarget {
  readonly file: string
  readonly rotate?: RotateOptions | undefined
  readonly reopenOnSignal?: "SIGHUP" | "SIGUSR2" | undefined
}

/**
 * Where lines go: `"stdout"`, `"stderr"`, `{ file }` (appended, parent
 * folders created; see {@link FileTarget} for rotation), `{ fd }` (a descriptor the caller owns), `"console"` (the
 * Effect `Console` current when the sink is made, one `log` call per line:
 * capture it in tests with `Effect.withConsole`), or a {@link Writer}. On a
 * runtime without file descriptors (browsers, Cloudflare Workers) `"stdout"`
 * and `"stderr"` write through the `Console` too, and files are refused.
 *
 * @since 0.2.0
 * @category models
 */
export type Target =
  | "stdout"
  | "stderr"
  | "console"
  | FileTarget
  | { readonly fd: number }
  | Writer

/**
 * Sink options; see the module table for defaults and variables.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  readonly target: Target
  /** Bytes (UTF-16 code units, = bytes for ASCII) that make a batch. */
  readonly flushSize: number
  /** Longest time a line waits in the buffer. */
  readonly flushInterval: Duration.Input
  /** Bound of the buffer; beyond it the overflow policy applies. */
  readonly maxBufferBytes: number
  readonly overflow: OverflowPolicy
  /** Deadline of `flush` / `shutdown`, of the scope's close and of the exit hook; what is left then is dropped and reported. */
  readonly shutdownTimeout: Duration.Input
  /** Write what is left synchronously at process exit (and on SIGTERM/SIGINT/SIGHUP when the program does not handle them). */
  readonly exitHook: boolean
  /** Renders the "N records dropped" warning line in the program's format (default: a JSON line). */
  readonly warningLine?:
    | ((message: string, fields: Readonly<Record<string, unknown>>, millis: number) => string)
    | undefined
  /** Where failure and drop reports go (default: stderr, synchronously; stdout when stderr cannot take one). */
  readonly report?: ((text: string) => void) | undefined
}

/**
 * What a flush or shutdown did. Counts are lines.
 *
 * @since 0.2.0
 * @category models
 */
export interface FlushReport {
  /** `flushed`: everything buffered at the call left; `timed_out`: the deadline passed first; `failed`: some lines could not be written. */
  readonly status: "flushed" | "timed_out" | "failed"
  /** lines written during this call */
  readonly written: number
  /** lines that failed during this call */
  readonly failed: number
  /** lines still buffered or in flight when the call returned (after a shutdown's deadline: dropped and reported) */
  readonly pending: number
  /** lines dropped so far (total) */
  readonly dropped: number
  readonly durationMillis: number
}

/**
 * Counters since the sink was made. Counts are lines.
 *
 * @since 0.2.0
 * @category models
 */
export interface SinkStats {
  /** lines handed to `write` */
  readonly accepted: number
  readonly written: number
  /** dropped: by the overflow policy, or left when the shutdown deadline passed */
  readonly dropped: number
  /** could not be written (the target failed) */
  readonly failed: number
  /** lines buffered or in flight */
  readonly pending: number
  /** bytes buffered (not counting the batch in flight) */
  readonly pendingBytes: number
  /** batches handed to the target */
  readonly batches: number
  /** failure events (a failed batch, a failed reopen, a failed rotation, compression or deletion of a rotated file) */
  readonly errors: number
  /** rotated files (file targets with `rotate`) */
  readonly rotations: number
  readonly lastError: string | undefined
  readonly closed: boolean
}

/**
 * The log file could not be opened at start, or an option is not valid.
 *
 * @since 0.2.0
 * @category errors
 */
export const LogSinkError: typeof internal.LogSinkError = internal.LogSinkError

/**
 * @since 0.2.0
 * @category errors
 */
export type LogSinkError = internal.LogSinkError

/**
 * A sink.
 *
 * @since 0.2.0
 * @category models
 */
export interface LogSink extends Flushable {
  /**
   * One formatted record with its trailing `"\n"`. Synchronous; never throws;
   * never blocks. `true` when the line was queued over the bound (policy
   * `block`): a caller that can wait, waits for {@link LogSink.room}.
   */
  readonly write: (line: string) => boolean
  /** Resumes when the buffer is under its bound. */
  readonly room: Effect.Effect<void>
  /** Writes everything buffered now; waits at most `deadline` (default `shutdownTimeout`; `0`: start the write and return at once). */
  readonly flush: (deadline?: Duration.Input) => Effect.Effect<FlushReport>
  /**
   * Flushes within the deadline, then closes (what is left is dropped and reported); idempotent. Lines written
   * afterwards go out synchronously to a writer, the `Console` or a rotating file (opened again by its path);
   * a descriptor or plain file target is never written after the close: such a line goes to the report stream.
   */
  readonly shutdown: (deadline?: Duration.Input) => Effect.Effect<FlushReport>
  readonly stats: () => SinkStats
  /** File targets: open the path again (after log rotation). `false` if it could not (the old file stays in use). */
  readonly reopen: () => Effect.Effect<boolean>
}

/**
 * The defaults: stdout, 64 KiB / 100 ms batches, 8 MiB buffer, `drop_oldest`,
 * 5 s shutdown deadline, exit hook on.
 *
 * @since 0.2.0
 * @category constructors
 */
export const defaults: Options = internal.defaults

/**
 * Opens a sink for the scope. Closing the scope shuts it down (flush within
 * `shutdownTimeout`). Sinks on the same file (by path) or the same pipe,
 * file or terminal (by device and inode) share one buffer, so their lines
 * never splice (the first one's options apply). Fails with
 * {@link LogSinkError} when a file cannot be opened, or when an option is not
 * valid, naming it (`LogSink option overflow: invalid value "bogus"; accepted:
 * drop_oldest, drop_newest, block`).
 *
 * @example
 * import { Effect } from "effect"
 * import { LogSink } from "effect-foundation/effect4"
 *
 * const chunks: Array<string> = []
 * const program = Effect.scoped(
 *   Effect.gen(function*() {
 *     const sink = yield* LogSink.make({ target: (chunk: string) => void chunks.push(chunk), flushSize: 16_384 })
 *     sink.write("first line\n")
 *     const report = yield* sink.flush()
 *     console.log(report.status, report.written, chunks.join("")) // flushed 1 first line\n
 *   })
 * )
 * Effect.runPromise(program)
 *
 * @since 0.2.0
 * @category constructors
 */
export const make: (options?: Partial<Options>) => Effect.Effect<LogSink, LogSinkError, Scope.Scope> = makeSink

/**
 * Parses a byte size: `65536`, `64k`, `64KiB`, `8m`, `8 MiB`, `1 GiB` (a
 * positive integer); `undefined` when invalid.
 *
 * @since 0.2.0
 * @category configuration
 */
export const parseBytes: (raw: string) => number | undefined = parseBytesImpl

/**
 * Parses a duration: `250` (milliseconds), `250 ms`, `1 s`, `1 second`,
 * `2 min`, `6 h`, `1 day` (positive); `undefined` when invalid.
 *
 * @since 0.2.0
 * @category configuration
 */
export const parseDuration: (raw: string) => Duration.Duration | undefined = parseDurationImpl

/**
 * Sink options from the environment (`PROVIDE_LOG_FILE`, `PROVIDE_LOG_STREAM`,
 * `PROVIDE_LOG_FLUSH_SIZE`, `PROVIDE_LOG_FLUSH_INTERVAL`,
 * `PROVIDE_LOG_MAX_BUFFER_BYTES`, `PROVIDE_LOG_OVERFLOW`,
 * `PROVIDE_LOG_SHUTDOWN_TIMEOUT`, `PROVIDE_LOG_EXIT_HOOK`, and for the file's
 * rotation `PROVIDE_LOG_FILE_MAX_SIZE`, `PROVIDE_LOG_FILE_INTERVAL`,
 * `PROVIDE_LOG_FILE_MAX_FILES`, `PROVIDE_LOG_FILE_COMPRESS`,
 * `PROVIDE_LOG_FILE_REOPEN_SIGNAL`); only the variables that are set appear.
 * A bad value fails with a `ConfigError` naming the variable, the value and the
 * accepted values; a rotation variable without `PROVIDE_LOG_FILE` fails too.
 *
 * @since 0.2.0
 * @category configuration
 */
export const config: Config.Config<Partial<Options>> = sinkConfig

/**
 * Adds a sink (or any flushable) to the set `Telemetry.flush` /
 * `Telemetry.shutdown` act on, for the rest of the scope. `Foundation.layer`
 * registers its sinks in the context it provides.
 *
 * @since 0.2.0
 * @category shutdown
 */
export const registerScoped: (sink: Flushable) => Effect.Effect<void, never, Scope.Scope> = flush.registerScoped
