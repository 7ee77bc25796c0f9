/**
 * OTLP export, the exporter's state: the core's plain value (`core/otlpState.ts`), and what an exporter is to the
 * Effect 3 binding (a flushable with counters).
 */
import type { Flushable } from "../Telemetry.js"

export {
  /** @internal */
  exitReport,
  /** @internal */
  ExporterState
} from "../core/otlpState.js"

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
