/**
 * What the sink-contract child (test/harness/child.ts) can be asked to do: passed as JSON in `SINK_CHILD`.
 * Kept apart from the child so the parent side can import it without running the child.
 */

/** How the child ends once the lines are logged. */
export type ExitPath =
  | "runMain-SIGTERM" // NodeRuntime.runMain; the child sends itself SIGTERM and waits for runMain to end it
  | "runMain-SIGINT"
  | "runPromise-SIGTERM" // Effect.runPromise; the child sends itself SIGTERM (no handler of its own)
  | "runPromise-SIGINT"
  | "process.exit" // process.exit(0) right after the last line
  | "uncaught" // an exception thrown from a timer
  | "rejection" // an unhandled promise rejection
  | "normal" // Effect.runPromise ends, the layer closes, the event loop empties

export const exitPaths: ReadonlyArray<ExitPath> = [
  "runMain-SIGTERM",
  "runMain-SIGINT",
  "runPromise-SIGTERM",
  "runPromise-SIGINT",
  "process.exit",
  "uncaught",
  "rejection",
  "normal"
]

/**
 * How the logging fiber(s) yield: never (one tight loop), every k lines (`Effect.yieldNow()`, the default, or
 * `Effect.sleep(0)`, which lets the event loop turn), or `Effect.forEach` with concurrency 8.
 */
export type YieldPattern = "never" | { readonly every: number; readonly by?: "yieldNow" | "sleep" } | "forEach8"

export interface ChildConfig {
  /** numbered lines to log, in total */
  readonly count: number
  /** approximate bytes per numbered line (a `pad` field fills up to it); default: no padding (~80 bytes) */
  readonly size?: number
  readonly yield?: YieldPattern
  readonly exit: ExitPath
  /** concurrent `Effect.runPromise` jobs, each with its own `FoundationLive`, sharing the lines (exit path `normal` only) */
  readonly runtimes?: number
  /** after the lines, `Telemetry.flush(0)` (starts the write, does not wait) and print its report (for /dev/null) */
  readonly selfReport?: boolean
  /** the target is a writer that never completes (`() => Effect.never`) instead of the environment's target */
  readonly neverWriter?: boolean
  /** the lines are also exported over OTLP (`Telemetry.otlp()` above the layer, configured by `OTEL_*` variables) */
  readonly otlp?: boolean
  /** only build the layer and log one line (start-up checks) */
  readonly startupOnly?: boolean
}
