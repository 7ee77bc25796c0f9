/**
 * The sink's batching without Effect: a fake driver records every batch, and
 * holds the batch in flight when it lags, so each step is driven by hand.
 */
import { describe, expect, it } from "vitest"
import type { Driver } from "../../src/core/driver.js"
import { withLinesWritten } from "../../src/core/driver.js"
import type { OverflowPolicy } from "../../src/core/queue.js"
import type { SinkConfig } from "../../src/core/sink.js"
import { SinkCore } from "../../src/core/sink.js"

interface FakeDriver extends Omit<Driver, "writeSync"> {
  writeSync: Driver["writeSync"]
  readonly batches: Array<string>
  /** the batch in flight's `done` (a lagging driver) */
  done: ((error?: unknown) => void) | undefined
  /** throws this on the next `write` */
  failNext: unknown
  closedCalls: number
  syncWrites: Array<string>
}

const fakeDriver = (options: { readonly lags?: boolean; readonly closedThrows?: boolean } = {}): FakeDriver => {
  const d: FakeDriver = {
    name: "fake",
    lags: options.lags ?? false,
    batches: [],
    done: undefined,
    failNext: undefined,
    closedCalls: 0,
    syncWrites: [],
    write: (batch, done) => {
      if (d.failNext !== undefined) {
        const e = d.failNext
        d.failNext = undefined
        throw e
      }
      d.batches.push(batch)
      if (!d.lags) return true
      d.done = done
      return false
    },
    writeSync: (batch) => {
      if (d.closedCalls > 0 && options.closedThrows) throw Object.assign(new Error("closed"), { code: "ECLOSED" })
      d.syncWrites.push(batch)
      return batch.split("\n").length - 1
    },
    abandon: () => {
      d.done = undefined
      return 0
    },
    close: () => {
      d.closedCalls++
    }
  }
  return d
}

const line = (n: number): string => `line-${String(n).padStart(4, "0")}\n` // 10 characters

const make = (driver: Driver, config: Partial<SinkConfig> = {}) => {
  const reports: Array<string> = []
  const sink = new SinkCore(
    { flushSize: 30, maxBufferBytes: 50, overflow: "drop_oldest", ...config },
    driver,
    () => 1_000,
    (text) => reports.push(text)
  )
  return { sink, reports }
}

/** Lets the lagging driver finish every batch, ticking as the interval would, until nothing is in flight. */
const drain = (sink: SinkCore, driver: FakeDriver): void => {
  for (let i = 0; i < 100 && (driver.done !== undefined || sink.stats().pending > 0); i++) {
    const done = driver.done
    driver.done = undefined
    if (done !== undefined) done()
    else sink.tick()
  }
}

const counts = (sink: SinkCore, driver: FakeDriver, reports: ReadonlyArray<string>): string => {
  const s = sink.stats()
  return `accepted ${s.accepted}, written ${s.written}, dropped ${s.dropped}, failed ${s.failed}, pending ${s.pending}; ` +
    `batches ${JSON.stringify(driver.batches)}; reports ${JSON.stringify(reports)}`
}

describe("core sink (no Effect)", () => {
  it("batches by size: a batch leaves once flushSize bytes are queued, the rest on the tick", () => {
    const driver = fakeDriver()
    const { reports, sink } = make(driver)
    for (let i = 1; i <= 2; i++) sink.write(line(i))
    expect(driver.batches, counts(sink, driver, reports)).toEqual([])
    sink.write(line(3))
    expect(driver.batches, counts(sink, driver, reports)).toEqual([line(1) + line(2) + line(3)])
    sink.write(line(4))
    expect(sink.stats(), counts(sink, driver, reports)).toMatchObject({ accepted: 4, written: 3, pending: 1 })
    sink.tick()
    expect(driver.batches, counts(sink, driver, reports)).toEqual([line(1) + line(2) + line(3), line(4)])
    expect(sink.stats(), counts(sink, driver, reports)).toMatchObject({
      accepted: 4,
      written: 4,
      pending: 0,
      batches: 2
    })
    expect(reports).toEqual([])
  })

  const overflow = (policy: OverflowPolicy) => {
    const driver = fakeDriver({ lags: true })
    const { reports, sink } = make(driver, { overflow: policy })
    const over: Array<boolean> = []
    // 3 lines go out as the batch in flight; the queue (bound 50) then takes 5 lines; 3 more overflow
    for (let i = 1; i <= 11; i++) over.push(sink.write(line(i)))
    return { driver, reports, sink, over }
  }

  it("overflow drop_oldest: the oldest queued lines make room, counted, and a warning line follows the lines that made it", () => {
    const { driver, over, reports, sink } = overflow("drop_oldest")
    const c = counts(sink, driver, reports)
    expect(sink.stats(), c).toMatchObject({ accepted: 11, written: 0, dropped: 3, pending: 8 })
    expect(over, c).toEqual(Array(11).fill(false))
    drain(sink, driver)
    expect(driver.batches.slice(1).join(""), c).toBe(
      line(7) + line(8) + line(9) + line(10) + line(11) +
        JSON.stringify({
          timestamp: "1970-01-01T00:00:01.000Z",
          level: "warning",
          message: "log buffer full: 3 records dropped (overflow policy drop_oldest, maxBufferBytes 50)",
          logger_name: "effect-foundation.sink",
          dropped: 3,
          dropped_total: 3,
          overflow: "drop_oldest"
        }) + "\n"
    )
    expect(sink.stats(), counts(sink, driver, reports)).toMatchObject({ written: 8, dropped: 3, pending: 0 })
  })

  it("overflow drop_newest: the new lines are dropped, counted", () => {
    const { driver, over, reports, sink } = overflow("drop_newest")
    drain(sink, driver)
    const c = counts(sink, driver, reports)
    expect(over, c).toEqual(Array(11).fill(false))
    const out = driver.batches.join("")
    expect(out.startsWith(line(1) + line(2) + line(3) + line(4) + line(5) + line(6) + line(7) + line(8) + "{"), c)
      .toBe(true)
    expect(out, c).toMatch(/"dropped":3,/)
    expect(sink.stats(), c).toMatchObject({ accepted: 11, written: 8, dropped: 3, pending: 0 })
  })

  it("overflow block: nothing dropped; lines over the bound say so, and room is announced once the batch lands", () => {
    const { driver, over, reports, sink } = overflow("block")
    const c = counts(sink, driver, reports)
    expect(over, c).toEqual([...Array(8).fill(false), true, true, true])
    let resumed = 0
    const cancel = sink.queue.onRoom(() => resumed++)
    expect([resumed, cancel === undefined], c).toEqual([0, false])
    // the first batch landing takes 3 more lines out: 50 bytes queued, still at the bound
    driver.done!()
    expect(resumed, counts(sink, driver, reports)).toBe(0)
    driver.done!()
    expect(resumed, counts(sink, driver, reports)).toBe(1)
    drain(sink, driver)
    expect(driver.batches.join(""), counts(sink, driver, reports)).toBe(
      Array.from({ length: 11 }, (_, i) => line(i + 1)).join("")
    )
    expect(sink.stats(), counts(sink, driver, reports)).toMatchObject({ accepted: 11, written: 11, dropped: 0 })
  })

  it("a closed sink never writes to its driver again: later lines go to writeSync, or to the report stream when the driver is closed for good", () => {
    const driver = fakeDriver({ lags: true, closedThrows: true })
    const { reports, sink } = make(driver)
    for (let i = 1; i <= 5; i++) sink.write(line(i))
    sink.close("closing")
    const c = counts(sink, driver, reports)
    // the batch in flight (3) is given up with the queued 2: dropped and reported once
    expect(sink.stats(), c).toMatchObject({ closed: true, written: 0, dropped: 5, pending: 0 })
    expect(reports, c).toEqual(["effect-foundation: log sink (fake): 5 records dropped (closing)\n"])
    expect(driver.closedCalls, c).toBe(1)
    sink.write(line(6))
    sink.tick()
    expect(driver.batches.length, counts(sink, driver, reports)).toBe(1)
    expect(reports.slice(1), counts(sink, driver, reports)).toEqual([line(6)])
    expect(sink.stats(), counts(sink, driver, reports)).toMatchObject({ accepted: 6, written: 0, failed: 1, errors: 0 })
  })

  it("a partial write (a disk filling up): the whole lines before the cut count as written, the rest as failed, reported once", () => {
    const driver = fakeDriver()
    const { reports, sink } = make(driver)
    driver.failNext = withLinesWritten(Object.assign(new Error("no space left on device"), { code: "ENOSPC" }), 1)
    for (let i = 1; i <= 3; i++) sink.write(line(i))
    driver.failNext = withLinesWritten(Object.assign(new Error("no space left on device"), { code: "ENOSPC" }), 2)
    for (let i = 4; i <= 6; i++) sink.write(line(i))
    for (let i = 7; i <= 9; i++) sink.write(line(i))
    const c = counts(sink, driver, reports)
    expect(sink.stats(), c).toMatchObject({ accepted: 9, written: 6, failed: 3, errors: 2, pending: 0 })
    expect(sink.stats().lastError, c).toBe("ENOSPC: no space left on device")
    expect(reports.length, c).toBe(1)
    expect(reports[0], c).toMatch(/^effect-foundation: log sink \(fake\) failed: ENOSPC: no space left on device; /)
  })

  it("a flush waits for the lines queued at its start, and says what it did", () => {
    const driver = fakeDriver({ lags: true })
    const { reports, sink } = make(driver)
    sink.write(line(1))
    const mark = sink.startFlush()
    let done = 0
    sink.onFlushed(mark, () => done++)
    sink.write(line(2))
    expect([done, sink.flushed(mark)], counts(sink, driver, reports)).toEqual([0, false])
    driver.done!()
    expect([done, sink.flushed(mark)], counts(sink, driver, reports)).toEqual([1, true])
    expect(sink.flushResult(mark, false)).toEqual({
      status: "flushed",
      written: 1,
      failed: 0,
      pending: 0,
      dropped: 0,
      durationMillis: 0
    })
  })

  it("at exit: what is in flight and queued is written synchronously, then the sink is closed", () => {
    const driver = fakeDriver({ lags: true })
    const { reports, sink } = make(driver)
    for (let i = 1; i <= 5; i++) sink.write(line(i))
    driver.writeSync = (batch: string) => {
      driver.syncWrites.push(batch)
      return 3 + batch.split("\n").length - 1 // finishes the batch in flight, then the rest
    }
    sink.atExit(1_000)
    const c = counts(sink, driver, reports)
    expect(driver.syncWrites, c).toEqual([line(4) + line(5)])
    expect(sink.stats(), c).toMatchObject({ closed: true, written: 5, dropped: 0, pending: 0 })
    expect([reports, driver.closedCalls], c).toEqual([[], 1])
  })

  it("a batch stops at 32 Ki UTF-16 units with a larger flushSize (a joined batch of emoji lines stays out of V8's large-object space)", () => {
    const driver = fakeDriver()
    const { reports, sink } = make(driver, { flushSize: 64 * 1024, maxBufferBytes: 1024 * 1024 })
    const emojiLine = (n: number) => `[▶️] request handled user_id=${String(n).padStart(5, "0")} status=200\n`
    const lines = Array.from({ length: 3000 }, (_, i) => emojiLine(i))
    for (const l of lines) sink.write(l)
    sink.tick()
    const longest = Math.max(...driver.batches.map((b) => b.length))
    const c = `longest batch ${longest}; ${
      counts(sink, { ...driver, batches: [] }, reports)
    }; ${driver.batches.length} batches`
    expect(longest, c).toBeLessThanOrEqual(32 * 1024 + lines[0]!.length)
    expect(driver.batches.join(""), c).toBe(lines.join(""))
    expect(sink.stats(), c).toMatchObject({ accepted: 3000, written: 3000, pending: 0, dropped: 0, failed: 0 })
    expect(reports).toEqual([])
  })
})
