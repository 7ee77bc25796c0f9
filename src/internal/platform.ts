/**
 * The boundary between the runtime-agnostic sink and a runtime with file
 * descriptors. The package's `#platform` import resolves to `src/node/platform.ts`
 * under the `"node"` condition (Node, Bun, Deno) and to a module exporting
 * `undefined` elsewhere (browsers, Cloudflare workerd); without a platform the
 * sink writes through Effect's `Console`. The drivers' contract itself is the
 * core's (`src/core/driver.ts`).
 */
import type { Driver, FileHooks, Rotation } from "../core/driver.js"

/** @internal */
export type { Driver, FileHooks, Rotation, TimeRotation } from "../core/driver.js"
/** @internal */
export { linesWritten, withLinesWritten } from "../core/driver.js"

/**
 * A descriptor target: what a platform opens.
 *
 * @internal
 */
export type FdTarget =
  | "stdout"
  | "stderr"
  | { readonly fd: number }
  | { readonly file: string; readonly rotation?: Rotation | undefined }

/**
 * What a runtime with file descriptors provides.
 *
 * @internal
 */
export interface Platform {
  /** A driver for the target (`hooks`: for a file with a rotation). Throws an `Error` saying why when it cannot be opened. */
  readonly open: (target: FdTarget, hooks?: FileHooks) => Driver
  /**
   * One key per destination (`file:/abs/path`; for a descriptor its device and
   * inode, so stdout and stderr on one pipe get one key): sinks with the same
   * key share one queue.
   */
  readonly keyOf: (target: FdTarget) => string
  readonly isTerminal: (stream: "stdout" | "stderr") => boolean
  /**
   * Runs `hook` synchronously when the process exits (also on SIGTERM, SIGINT
   * and SIGHUP when the program handles none of them itself: the hook runs,
   * then the signal's default action); with `first`, before the hooks added
   * earlier. Returns the remover. One deadline bounds the whole exit:
   * `remaining(timeoutMillis)` is what is left of a timeout counted from the
   * start of the exit, across all hooks.
   */
  readonly onExit: (hook: (remaining: (timeoutMillis: number) => number) => void, first?: boolean) => () => void
  /**
   * Runs `handler` on `signal` instead of its default action (the process
   * keeps running; exit hooks do not run for it). Returns the remover.
   */
  readonly onSignal?: (signal: "SIGHUP" | "SIGUSR2", handler: () => void) => () => void
  /** Writes a report to stderr (or `stream`) at once, never blocking; `false` when it could not (full or gone). */
  readonly report: (text: string, stream?: "stdout" | "stderr") => boolean
}
