/**
 * A bounded FIFO queue with an overflow policy and counters: the buffer under
 * a sink (lines, weighed in UTF-16 code units) and under the OTLP exporter
 * (records, one unit each). Plain and synchronous: `offer` is on the hot path.
 */

/**
 * What a full queue does with one more item (the public `LogSink.OverflowPolicy`).
 *
 * @internal
 */
export type OverflowPolicy = "drop_oldest" | "drop_newest" | "block"

/**
 * `offer` answers: the item was queued (`Queued`), queued over the bound
 * (`Over`, policy `block`: the caller should wait for room), or dropped
 * (`Dropped`). A positive number: queued, after dropping that many of the
 * oldest items (policy `drop_oldest`).
 *
 * @internal
 */
export const Queued = 0
/** @internal */
export const Over = -1
/** @internal */
export const Dropped = -2

const noop = () => {}

/** @internal */
export class BoundedQueue<A> {
  private items: Array<A> = []
  private head = 0
  private waiters: Array<() => void> = []
  /** The queued weight. */
  weight = 0
  /** Items dropped by the policy: in total, and since {@link takeUnreported} last ran. */
  dropped = 0
  unreported = 0

  constructor(
    /** The bound. `block` accepts up to twice this (the callers that can wait, wait for room first). */
    readonly capacity: number,
    readonly policy: OverflowPolicy,
    private readonly weigh: (a: A) => number
  ) {}

  get length(): number {
    return this.items.length - this.head
  }

  /** Adds `a`, applying the policy when the bound is reached. See {@link Queued}, {@link Over}, {@link Dropped}. */
  offer(a: A, weight: number): number {
    if (this.weight + weight <= this.capacity) {
      this.items.push(a)
      this.weight += weight
      return Queued
    }
    // An item heavier than the whole bound never pushes out the others.
    if (weight > this.capacity || this.policy === "drop_newest") return this.drop(1)
    if (this.policy === "block") {
      if (this.weight + weight > 2 * this.capacity) return this.drop(1)
      this.items.push(a)
      this.weight += weight
      return Over
    }
    let n = 0
    while (this.weight + weight > this.capacity && this.head < this.items.length) {
      this.weight -= this.weigh(this.items[this.head]!)
      this.items[this.head++] = undefined as never
      n++
    }
    this.items.push(a)
    this.weight += weight
    this.compact()
    this.dropped += n
    this.unreported += n
    return n
  }

  private drop(n: number): number {
    this.dropped += n
    this.unreported += n
    return Dropped
  }

  /** Removes items from the head until their weight reaches `minWeight` (or the queue is empty), at most `maxItems`. */
  take(minWeight: number, maxItems = Infinity): Array<A> {
    const items = this.items
    let end = this.head
    let weight = 0
    while (end < items.length && weight < minWeight && end - this.head < maxItems) weight += this.weigh(items[end++]!)
    let out: Array<A>
    if (end === items.length) {
      out = this.head === 0 ? items : items.slice(this.head)
      this.items = []
      this.head = 0
    } else {
      out = items.slice(this.head, end)
      for (let i = this.head; i < end; i++) items[i] = undefined as never
      this.head = end
      this.compact()
    }
    this.weight -= weight
    if (this.waiters.length > 0 && this.weight < this.capacity) this.wake()
    return out
  }

  /** Puts `items` back at the head (a batch that must be retried), within the bound; returns how many did not fit. */
  putBack(items: ReadonlyArray<A>): number {
    let room = this.capacity - this.weight
    let n = 0
    const kept: Array<A> = []
    for (const item of items) {
      const w = this.weigh(item)
      if (w <= room) {
        kept.push(item)
        room -= w
        this.weight += w
      } else n++
    }
    this.items = kept.concat(this.items.slice(this.head))
    this.head = 0
    return n
  }

  /** Empties the queue (everything counted as dropped); returns how many items it held. */
  clear(): number {
    const n = this.length
    this.items = []
    this.head = 0
    this.weight = 0
    this.dropped += n
    this.unreported += n
    this.wake()
    return n
  }

  /** The drops not reported yet; resets the count. */
  takeUnreported(): number {
    const n = this.unreported
    this.unreported = 0
    return n
  }

  /**
   * Calls `resume` when the queue is under its bound (at once if it is); returns the function that cancels the
   * wait. The binding wraps it as an effect (`room` in src/internal/queue.ts).
   */
  onRoom(resume: () => void): () => void {
    if (this.weight < this.capacity) {
      resume()
      return noop
    }
    const waiter = () => resume()
    this.waiters.push(waiter)
    return () => {
      this.waiters = this.waiters.filter((w) => w !== waiter)
    }
  }

  /** Releases every fiber waiting for room (room was made, or the queue's owner is closing). */
  wake(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
  }
}
