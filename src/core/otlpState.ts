/**
 * OTLP export, the exporter's state as one plain value: the queue, the
 * records in flight, the counters and the shutdown's progress (the breaker
 * keeps its own, `breaker.state`), and the text of the report at process
 * exit, made from it. Effect-free: both bindings' exporters hold one.
 */
import type { Item } from "./otlpJson.js"
import { BoundedQueue } from "./queue.js"

/**
 * Everything the exporter knows, as plain data: read it to see where the records are.
 *
 * @internal
 */
export class ExporterState {
  /** Records waiting to be sent (`dropped` / `unreported`: those the full queue turned away). */
  readonly queue: BoundedQueue<Item>
  /** Records of the batch being sent. */
  inflight = 0
  /** Records the collector accepted (total). */
  written = 0
  /** Records given up on (total). */
  failed = 0
  /** No record is accepted any more (the shutdown began, or the process is exiting). */
  closed = false
  /** The shutdown or the exit report is done: nothing is left to report at exit. */
  finished = false
  /** The one "losing records" warning was logged. */
  reportedLoss = false
  /** The shutdown found no time left before its deadline for another attempt. */
  outOfTime = false
  /** The shutdown's current batch has failed and is being retried (a deadline that cuts it: the batch failed, rather than timed out). */
  retrying = false

  constructor(maxQueueSize: number) {
    this.queue = new BoundedQueue<Item>(maxQueueSize, "drop_newest", one)
  }

  /** Records queued or in flight. */
  get pending(): number {
    return this.queue.length + this.inflight
  }

  /** One record turned away (the queue full, or it could not be converted). */
  dropOne(): void {
    this.queue.dropped++
    this.queue.unreported++
  }

  /** A batch that must wait for the next round goes back to the head; what does not fit is dropped and reported. */
  putBack(batch: ReadonlyArray<Item>): void {
    const lost = this.queue.putBack(batch)
    this.queue.dropped += lost
    this.queue.unreported += lost
  }
}

const one = (): number => 1

/** The endpoint for a report: scheme, host and path (no credentials, no query). */
const endpointName = (endpoint: string): string => {
  try {
    const u = new URL(endpoint)
    return `${u.protocol}//${u.host}${u.pathname}`
  } catch {
    return "the collector"
  }
}

/**
 * The exit report's text: what the exporter still held when the process exited
 * (`queued` never sent, `earlier` dropped while the queue was full and not yet
 * reported), and the batch in flight, which the collector may or may not have
 * received; `undefined` when there is nothing to say.
 *
 * @internal
 */
export const exitReport = (endpoint: string, queued: number, earlier: number, inflight: number): string | undefined => {
  if (queued + earlier + inflight === 0) return undefined
  const why = earlier === 0
    ? "not sent before the process exited"
    : `${queued} not sent before the process exited, ${earlier} earlier, the queue being full`
  const dropped = queued + earlier > 0 ? `${queued + earlier} records dropped (${why})` : "no records dropped"
  const unsure = inflight > 0 ? `; ${inflight} more in flight, delivery unknown` : ""
  return `effect-foundation: OTLP export (${endpointName(endpoint)}): ${dropped}${unsure}\n`
}
