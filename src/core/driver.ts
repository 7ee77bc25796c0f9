/**
 * The drivers' contract: where a sink's batches of whole lines go, and what a
 * rotating file driver gets from its sink. Plain data and functions, no
 * Effect: the drivers every runtime has are in `src/internal/drivers.ts`, the
 * descriptor and file drivers in `src/node/`.
 */

/**
 * Where a sink's batches of whole lines go.
 *
 * @internal
 */
export interface Driver {
  /** For reports: `stdout`, `file /var/log/app.log`. */
  readonly name: string
  /** The target can fall behind (a pipe or socket, an async writer): the overflow policy is for it. */
  readonly lags: boolean
  /**
   * Starts writing a batch of whole lines. `true`: it is written. `false`: part
   * of it is still going out; `done` is called once all of it has (or with the
   * error). Throws when the target fails at once. An error after part of the
   * batch went out says how many of its lines went out whole ({@link withLinesWritten}).
   */
  readonly write: (batch: string, done: (error?: unknown) => void) => boolean
  /**
   * Synchronously finishes the batch in flight, then writes `batch` (may be
   * `""`), giving up after `timeoutMillis`. Returns how many lines (of the batch
   * in flight, then `batch`) went out in full. Used at exit and after close.
   */
  readonly writeSync: (batch: string, timeoutMillis: number) => number
  /** Gives up the batch in flight (its `done` is never called); returns how many of its lines went out in full. */
  readonly abandon: () => number
  /** Files: opens the path again (after external rotation). Throws when it cannot; the old file stays in use. */
  readonly reopen?: () => void
  /** Files rotated by time: the sink's rotation fiber asks when the next rotation is due and calls it then. */
  readonly rotation?: TimeRotation | undefined
  readonly close: () => void
}

/**
 * Marks `error` (a driver's failure) with how many lines of its batch went out
 * whole before it (a disk that filled up partway through): the sink counts
 * those as written and only the rest as failed.
 *
 * @internal
 */
export const withLinesWritten = (error: unknown, lines: number): unknown => {
  if (lines > 0 && typeof error === "object" && error !== null) {
    try {
      ;(error as { linesWritten?: number }).linesWritten = lines
    } catch {
      // a frozen error: every line of the batch counts as failed
    }
  }
  return error
}

/**
 * The lines of a failed batch that went out whole (see {@link withLinesWritten}).
 *
 * @internal
 */
export const linesWritten = (error: unknown): number => {
  const n = typeof error === "object" && error !== null ? (error as { linesWritten?: unknown }).linesWritten : 0
  return typeof n === "number" && Number.isInteger(n) && n > 0 ? n : 0
}

/**
 * A file rotated by time. The decision is the sink's (it holds the `Clock`);
 * times are milliseconds of that clock.
 *
 * @internal
 */
export interface TimeRotation {
  /** When the next rotation is due: the next interval boundary, or at once when the file was left from an earlier period. */
  readonly dueAt: () => number
  /**
   * Rotates the file when a rotation is due at `now` (an empty file is left in
   * place), then sets the next due time. Failures go to {@link FileHooks.failed}.
   */
  readonly rotateIfDue: (now: number) => void
}

/**
 * A file target's rotation, resolved and checked by the sink.
 *
 * @internal
 */
export interface Rotation {
  /** bytes; a file is rotated before a batch would take it past this (whole lines; a longer line goes alone) */
  readonly maxSize: number | undefined
  /** milliseconds; rotation at multiples of it since the Unix epoch */
  readonly interval: number | undefined
  /** rotated files kept; older ones are deleted */
  readonly maxFiles: number | undefined
  readonly compress: boolean
}

/**
 * What a rotating file driver gets from its sink.
 *
 * @internal
 */
export interface FileHooks {
  /** The time (the sink's `Clock`), for rotation times and rotated files' names. */
  readonly now: () => number
  /** A file was rotated to `name`. */
  readonly rotated: (name: string) => void
  /** A rotation, a compression or a deletion failed; logging goes on in the current file. */
  readonly failed: (error: unknown) => void
}
