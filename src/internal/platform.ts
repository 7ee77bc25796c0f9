/**
 * The boundary between the runtime-agnostic sink and a runtime with file
 * descriptors. The package's `#platform` import resolves to `src/node/platform.ts`
 * under the `"node"` condition (Node, Bun, Deno) and to a module exporting
 * `undefined` elsewhere (browsers, Cloudflare workerd); without a platform the
 * sink writes through Effect's `Console`.
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
   * error). Throws when the target fails at once.
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
  readonly close: () => void
}

/**
 * A descriptor target: what a platform opens.
 *
 * @internal
 */
export type FdTarget = "stdout" | "stderr" | { readonly fd: number } | { readonly file: string }

/**
 * What a runtime with file descriptors provides.
 *
 * @internal
 */
export interface Platform {
  /** A driver for the target. Throws an `Error` saying why when it cannot be opened. */
  readonly open: (target: FdTarget) => Driver
  /** One key per destination (`fd:1`, `file:/abs/path`): sinks with the same key share one queue. */
  readonly keyOf: (target: FdTarget) => string
  readonly isTerminal: (stream: "stdout" | "stderr") => boolean
  /**
   * Runs `hook` synchronously when the process exits (also on SIGTERM, SIGINT
   * and SIGHUP when the program handles none of them itself: the hook runs,
   * then the signal's default action). Returns the remover.
   */
  readonly onExit: (hook: () => void) => () => void
  /** Writes a report to stderr at once. */
  readonly report: (text: string) => void
}
