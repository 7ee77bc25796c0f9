/**
 * The OTLP exporter's state of the Effect-free core, without Effect: the queue (drop_newest, one unit a record),
 * the records in flight, drops and batches put back counted for the loss report, and the text of the exit report.
 */
import { describe, expect, it } from "vitest"
import type { Item } from "../../src/core/otlpJson.js"
import { exitReport, ExporterState } from "../../src/core/otlpState.js"
import { Dropped, Queued } from "../../src/core/queue.js"

const item = (n: number): Item => ({
  scope: undefined,
  record: {
    timeUnixNano: "0",
    observedTimeUnixNano: "0",
    severityNumber: 9,
    severityText: "INFO",
    body: { stringValue: String(n) },
    attributes: []
  }
})

const bodies = (items: ReadonlyArray<Item>) => items.map((i) => (i.record.body as { stringValue: string }).stringValue)

const endpoint = "http://localhost:4318/v1/logs"

describe("core/otlpState", () => {
  it("starts empty and open: nothing pending, no counts, every flag down; a drop_newest queue of the size", () => {
    const s = new ExporterState(3)
    expect([s.pending, s.inflight, s.written, s.failed]).toEqual([0, 0, 0, 0])
    expect([s.closed, s.finished, s.reportedLoss, s.outOfTime, s.retrying]).toEqual([false, false, false, false, false])
    expect([s.queue.capacity, s.queue.policy, s.queue.dropped, s.queue.unreported]).toEqual([3, "drop_newest", 0, 0])
  })

  it("each record weighs one: the queue holds maxQueueSize records and turns the next away, counted", () => {
    const s = new ExporterState(2)
    expect([s.queue.offer(item(1), 1), s.queue.offer(item(2), 1), s.queue.offer(item(3), 1)]).toEqual([
      Queued,
      Queued,
      Dropped
    ])
    expect([s.pending, s.queue.weight, s.queue.dropped, s.queue.unreported]).toEqual([2, 2, 1, 1])
    expect(bodies(s.queue.take(Infinity))).toEqual(["1", "2"])
  })

  it("a batch in flight counts as pending until it is written", () => {
    const s = new ExporterState(10)
    for (let i = 1; i <= 4; i++) s.queue.offer(item(i), 1)
    const batch = s.queue.take(3, 3)
    s.inflight += batch.length
    expect([s.queue.length, s.inflight, s.pending]).toEqual([1, 3, 4])
    s.inflight -= batch.length
    s.written += batch.length
    expect([s.pending, s.written, s.failed]).toEqual([1, 3, 0])
  })

  it("dropOne counts one record turned away, for the total and for the next loss report", () => {
    const s = new ExporterState(5)
    s.dropOne()
    s.dropOne()
    expect([s.queue.dropped, s.queue.takeUnreported(), s.queue.takeUnreported(), s.queue.dropped]).toEqual([2, 2, 0, 2])
    expect(s.pending).toBe(0)
  })

  it("putBack returns a failed batch to the head, before newer records; what does not fit is dropped and counted", () => {
    const s = new ExporterState(4)
    for (let i = 1; i <= 3; i++) s.queue.offer(item(i), 1)
    const batch = s.queue.take(2, 2)
    s.queue.offer(item(4), 1)
    s.putBack(batch)
    expect([bodies(s.queue.take(Infinity)), s.queue.dropped, s.queue.unreported]).toEqual([["1", "2", "3", "4"], 0, 0])
    // full but for one place: the batch's first record goes back, the second is lost
    const full = new ExporterState(3)
    for (let i = 1; i <= 3; i++) full.queue.offer(item(i), 1)
    const lost = full.queue.take(2, 2)
    full.queue.offer(item(4), 1)
    full.putBack(lost)
    expect([bodies(full.queue.take(Infinity)), full.queue.dropped, full.queue.takeUnreported()]).toEqual([
      ["1", "3", "4"],
      1,
      1
    ])
  })
})

describe("core/otlpState exitReport", () => {
  it("nothing held: no report", () => {
    expect(exitReport(endpoint, 0, 0, 0)).toBeUndefined()
  })

  it("at exit, from the state as the exporters read it: queued, unreported drops and the batch in flight", () => {
    const s = new ExporterState(2)
    for (let i = 1; i <= 4; i++) s.queue.offer(item(i), 1)
    s.inflight = s.queue.take(1, 1).length
    s.queue.offer(item(5), 1)
    s.finished = s.closed = true
    const queued = s.queue.take(Infinity).length
    expect(exitReport(endpoint, queued, s.queue.takeUnreported(), s.inflight)).toBe(
      "effect-foundation: OTLP export (http://localhost:4318/v1/logs): 4 records dropped " +
        "(2 not sent before the process exited, 2 earlier, the queue being full); 1 more in flight, delivery unknown\n"
    )
    expect([s.pending, s.queue.unreported]).toEqual([1, 0])
  })

  it("queued records, records dropped earlier, and a batch in flight, each said", () => {
    const head = "effect-foundation: OTLP export (http://localhost:4318/v1/logs): "
    expect(exitReport(endpoint, 5, 0, 0)).toBe(`${head}5 records dropped (not sent before the process exited)\n`)
    expect(exitReport(endpoint, 5, 2, 0)).toBe(
      `${head}7 records dropped (5 not sent before the process exited, 2 earlier, the queue being full)\n`
    )
    expect(exitReport(endpoint, 5, 0, 3)).toBe(
      `${head}5 records dropped (not sent before the process exited); 3 more in flight, delivery unknown\n`
    )
    expect(exitReport(endpoint, 0, 0, 3)).toBe(`${head}no records dropped; 3 more in flight, delivery unknown\n`)
  })

  it("the endpoint without credentials, query or fragment; an unreadable one is 'the collector'", () => {
    expect(exitReport("https://user:s3cret@collector.example:4318/v1/logs?token=t#x", 1, 0, 0)).toBe(
      "effect-foundation: OTLP export (https://collector.example:4318/v1/logs): 1 records dropped " +
        "(not sent before the process exited)\n"
    )
    expect(exitReport("not a url", 1, 0, 0)).toBe(
      "effect-foundation: OTLP export (the collector): 1 records dropped (not sent before the process exited)\n"
    )
  })
})
