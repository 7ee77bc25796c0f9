/**
 * The sink's contract (issue 13), held in subprocesses through the public API only:
 *
 *   for every target, with N lines logged: written + reported-dropped = N exactly; no line is split or spliced;
 *   the event loop is never blocked for long by logging; a shutdown or flush finishes within its deadline.
 *
 * The child (test/harness/child.ts) logs N numbered JSON lines through FoundationLive and takes an exit path
 * itself; test/harness/run.ts picks the target (file, /dev/null, a pipe read fast, at a set rate, or not at all
 * until the child has exited); test/harness/check.ts counts what arrived. One test per defect of the issue, then
 * a sample of the matrix (`npm run test:sink-matrix` runs all of it).
 *
 * Bounds are generous on purpose (a shared 2-core machine, where a heartbeat gap also counts time the child was
 * not scheduled: up to ~0.3 s seen here): a deadline gets 3 s of margin, the event loop 1 s. Today's blocks are
 * 2 to 15 s.
 */
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Foundation, Log, Telemetry } from "effect-foundation"
import type { Bounds, Check } from "./harness/check.js"
import { check, violations } from "./harness/check.js"
import { cell, pool, runCell, summary } from "./harness/matrix.js"
import type { RunOptions } from "./harness/run.js"
import { childCommand, hasPython, runChild } from "./harness/run.js"

beforeAll(() => childCommand().then(() => undefined), 60_000)

const run = async (options: RunOptions): Promise<Check> => check(await runChild(options))

/**
 * The broken clauses of one run, keyed by its label (nothing when it holds the contract and every `extra`
 * clause is true); the numbers come with them, so a failure shows everything at once.
 */
const breaks = (
  label: string,
  c: Check,
  bounds: Bounds,
  extra: Readonly<Record<string, boolean>> = {}
): Record<string, string> => {
  const v = [...violations(c, bounds), ...Object.entries(extra).filter(([, ok]) => !ok).map(([clause]) => clause)]
  if (v.length === 0) return {}
  const corrupt = c.corruptSamples.length > 0 ? ` | corrupt: ${c.corruptSamples[0]}` : ""
  return { [label]: `${v.join("; ")} | ${summary(c)}${corrupt}` }
}

describe("sink contract: no line lost silently, none spliced, deadlines held", () => {
  it(
    "process.exit / uncaught exception / unhandled rejection with a write in flight on a slow pipe (2 MB/s) lose no line silently and splice none",
    async () => {
      const exits = ["process.exit", "uncaught", "rejection"] as const
      const runs = await pool(
        3,
        exits.map((exit) => () =>
          run({
            child: { count: 20_000, size: 200, yield: { every: 1_000, by: "sleep" }, exit },
            target: "pipe-throttled",
            bytesPerSecond: 2_000_000,
            shutdownTimeoutMs: 2_000,
            hardKillMs: 12_000
          }).then((c) => breaks(exit, c, { deadlineMs: 2_000, loopMs: 1_000 }))
        )
      )
      expect(Object.assign({}, ...runs)).toEqual({})
    },
    60_000
  )

  it(
    "a regular file or /dev/null is never behind: nothing dropped, with the fiber yielding now and then or Effect.forEach concurrency 8",
    async () => {
      // the fiber's own microtask-yielding work blocks the loop here: not what this test checks
      const bounds: Bounds = { deadlineMs: 30_000, loopMs: Number.POSITIVE_INFINITY }
      // a small buffer (256 KiB, 1 MiB) shows the defect with fewer lines; the bound must not matter when the target keeps up
      const forEachDevNull = await run({
        child: { count: 200_000, yield: "forEach8", exit: "normal" },
        target: "devnull",
        maxBufferBytes: 256 * 1024,
        shutdownTimeoutMs: 30_000,
        hardKillMs: 60_000
      })
      const yieldingDevNull = await run({
        child: { count: 500_000, yield: { every: 100 }, exit: "normal" },
        target: "devnull",
        maxBufferBytes: 1024 * 1024,
        shutdownTimeoutMs: 30_000,
        hardKillMs: 60_000
      })
      const forEachFile = await run({
        child: { count: 300_000, size: 300, yield: "forEach8", exit: "normal" },
        target: "file",
        shutdownTimeoutMs: 30_000,
        hardKillMs: 60_000
      })
      expect({
        ...breaks("/dev/null, forEach concurrency 8, 200k lines", forEachDevNull, bounds),
        ...breaks("/dev/null, yieldNow every 100, 500k lines", yieldingDevNull, bounds),
        ...breaks("file, forEach concurrency 8, 300k lines of 300 bytes", forEachFile, bounds)
      }).toEqual({})
    },
    120_000
  )

  it(
    "the shutdown deadline holds: a stuck pipe reader (1 s, layer close; 2 s, SIGTERM under runMain) and a writer that never completes",
    async () => {
      const [stuckClose, stuckSigterm, neverWriter] = await Promise.all([
        run({
          child: { count: 20_000, yield: { every: 1_000, by: "sleep" }, exit: "normal" },
          target: "pipe-stuck",
          shutdownTimeoutMs: 1_000,
          hardKillMs: 12_000
        }),
        run({
          child: { count: 20_000, yield: { every: 1_000, by: "sleep" }, exit: "runMain-SIGTERM" },
          target: "pipe-stuck",
          shutdownTimeoutMs: 2_000,
          hardKillMs: 12_000
        }),
        run({
          // nothing reaches stdout: the writer takes the lines and never completes
          child: { count: 1_000, yield: { every: 100, by: "sleep" }, exit: "normal", neverWriter: true },
          target: "pipe-fast",
          shutdownTimeoutMs: 1_000,
          hardKillMs: 12_000
        })
      ])
      const closed = (c: Check) => c.closedMs !== undefined && c.closedMs <= 1_000 + 3_000
      expect({
        ...breaks("stuck reader, 1 s, normal end", stuckClose, { deadlineMs: 1_000 }, {
          "layer closed within 1 s + 3 s": closed(stuckClose)
        }),
        ...breaks("stuck reader, 2 s, SIGTERM under runMain", stuckSigterm, { deadlineMs: 2_000 }),
        ...breaks("never-completing writer, 1 s, normal end", neverWriter, { deadlineMs: 1_000 }, {
          "layer closed within 1 s + 3 s": closed(neverWriter)
        })
      }).toEqual({})
    },
    60_000
  )

  it(
    "a slow pipe reader (1 KB/s) never freezes the event loop: a 20k-line burst drops and reports; overflow block waits asynchronously and drops nothing",
    async () => {
      const [burst, block] = await Promise.all([
        run({
          child: { count: 20_000, yield: "never", exit: "normal" },
          target: "pipe-throttled",
          bytesPerSecond: 1_000,
          shutdownTimeoutMs: 2_000,
          hardKillMs: 14_000
        }),
        run({
          // 5 MB through a 64 KiB buffer at 1 MB/s: the fiber must wait for room, off the event loop
          child: { count: 20_000, size: 250, yield: "never", exit: "normal" },
          target: "pipe-throttled",
          bytesPerSecond: 1_000_000,
          overflow: "block",
          maxBufferBytes: 64 * 1024,
          shutdownTimeoutMs: 30_000,
          hardKillMs: 40_000
        })
      ])
      // 20,000 lines logged without yielding take the fiber itself ~0.2 s here (within the 1 s bound)
      expect({
        ...breaks("1 KB/s, drop_oldest, 20k-line burst", burst, { deadlineMs: 2_000, loopMs: 1_000 }),
        ...breaks("1 MB/s, block, 64 KiB buffer", block, { deadlineMs: 30_000, loopMs: 1_000 }, {
          "nothing dropped": block.reportedDropped === 0,
          "every line written": block.received === 20_000
        })
      }).toEqual({})
    },
    60_000
  )

  it("two FoundationLive in one process on one piped stdout splice no line", async () => {
    // a reader slower than the two writers (2 MB/s for 4 MB) keeps the pipe full: writes land in parts
    const c = await run({
      child: { count: 50_000, yield: { every: 100, by: "sleep" }, exit: "normal", runtimes: 2 },
      target: "pipe-throttled",
      bytesPerSecond: 2_000_000,
      shutdownTimeoutMs: 10_000,
      hardKillMs: 30_000
    })
    expect(breaks("2 runtimes x 25k lines", c, { deadlineMs: 10_000 }, { "every line written": c.received === 50_000 }))
      .toEqual({})
  }, 60_000)

  it.effect("one oversized record (200 fields of 60 KB) drops no other record (the 50 small ones before it are written)", () =>
    Effect.gen(function*() {
      const chunks: Array<string> = []
      // a writer whose batches complete later: a write is in flight while the oversized record arrives
      const writer = (chunk: string) =>
        Effect.async<void>((resume) => {
          const t = setTimeout(() => {
            chunks.push(chunk)
            resume(Effect.void)
          }, 5)
          return Effect.sync(() => clearTimeout(t))
        })
      const big: Record<string, string> = {}
      for (let k = 0; k < 200; k++) big[`field_${k}`] = String(k % 10).repeat(60_000)
      const report = yield* Effect.gen(function*() {
        for (let i = 0; i < 1_000; i++) yield* Log.info("line", { i, pad: "p".repeat(100) }) // > 64 KiB: a batch leaves
        for (let i = 1_000; i < 1_050; i++) yield* Log.info("line", { i })
        yield* Log.info("oversized", big)
        for (let i = 1_050; i < 1_060; i++) yield* Log.info("line", { i })
        return yield* Telemetry.flush("10 seconds")
      }).pipe(Effect.provide(Foundation.layer({ format: "json", sink: { target: writer } })))

      let corrupt = 0
      const records = chunks.join("").split("\n").filter((l) => l !== "").flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>]
        } catch {
          corrupt++
          return []
        }
      })
      const numbered = records.filter((r) => r["message"] === "line").map((r) => r["i"])
      const oversized = records.filter((r) => r["message"] === "oversized").length
      const droppedInStream = records
        .filter((r) => typeof r["dropped"] === "number" && String(r["message"]).includes("dropped"))
        .reduce((a, r) => a + (r["dropped"] as number), 0)
      expect({
        corrupt,
        numbered: numbered.length,
        missing: Array.from({ length: 1_060 }, (_, i) => i).filter((i) => !numbered.includes(i)).length,
        // the oversized record is either written (capped) or reported as dropped: never both, never neither
        oversizedAccounted: oversized + droppedInStream,
        reportDropped: report.dropped
      }).toEqual({ corrupt: 0, numbered: 1_060, missing: 0, oversizedAccounted: 1, reportDropped: droppedInStream })
    }))

  it(
    "SIGTERM / SIGINT under Effect.runPromise flush every line, then the process still dies by the signal; under runMain nothing changes",
    async () => {
      const signals = ["SIGTERM", "SIGINT"] as const
      const opts = (exit: RunOptions["child"]["exit"]): RunOptions => ({
        child: { count: 20_000, yield: { every: 1_000, by: "sleep" }, exit },
        target: "file",
        shutdownTimeoutMs: 2_000,
        hardKillMs: 12_000
      })
      const runs = await pool(
        2,
        (["runPromise", "runMain"] as const).flatMap((how) =>
          signals.map((sig) => () =>
            run(opts(`${how}-${sig}`)).then((c) =>
              breaks(`${how} ${sig}`, c, { deadlineMs: 2_000 }, {
                "every line written": c.received === 20_000,
                // runPromise: Node's default action, after the flush (the parent sees the signal);
                // runMain: its own handling, as today (interrupted, flushed, exit code 0)
                [how === "runPromise" ? `dies by ${sig}` : "exit code 0"]: how === "runPromise"
                  ? c.signal === sig && c.code === null
                  : c.code === 0 && c.signal === null
              })
            )
          )
        )
      )
      expect(Object.assign({}, ...runs)).toEqual({})
    },
    60_000
  )

  it(
    "PROVIDE_LOG_FILE=/proc/nonexistent/app.log fails the layer at start with LogSinkError, without hanging",
    async () => {
      const path = "/proc/nonexistent/app.log"
      const r = await runChild({
        child: { count: 0, exit: "normal", startupOnly: true },
        target: "pipe-fast",
        env: { PROVIDE_LOG_FILE: path },
        hardKillMs: 10_000
      })
      const c = check(r)
      expect(
        { killed: c.killed, tag: c.layerError?._tag, namesPath: c.layerError?.message?.includes(path) ?? false },
        r.stderr.slice(0, 2_000)
      )
        .toEqual({ killed: false, tag: "LogSinkError", namesPath: true })
      expect(r.exitedAt - r.startedAt).toBeLessThan(10_000)
    },
    30_000
  )
})

describe("sink contract matrix (a sample; npm run test:sink-matrix runs every exit path x every target)", () => {
  const sample = [
    cell("process.exit", "file"),
    cell("normal", "devnull"),
    cell("uncaught", "pipe-fast"),
    cell("rejection", "pipe-stuck"),
    cell("runMain-SIGINT", "pipe-throttled"),
    cell("runPromise-SIGTERM", "pipe-fast")
  ]
  it("written + reported-dropped = N, nothing corrupt or duplicated, exit within the deadline, loop free", async () => {
    const results = await pool(2, sample.map((c) => () => runCell(c)))
    expect(Object.assign({}, ...results.map((r) => breaks(r.cell.name, r.check, r.cell.bounds)))).toEqual({})
  }, 90_000)
})

describe("the harness's checker (synthetic output; holds today)", () => {
  const line = (i: number) => `{"timestamp":"2026-01-01T00:00:00.000Z","level":"info","message":"line","i":${i}}\n`
  const result = (output: string, stderr: string, target: RunOptions["target"] = "pipe-fast") => ({
    options: { child: { count: 10, exit: "normal" as const }, target },
    output,
    stderr,
    code: 0,
    signal: null,
    killed: false,
    startedAt: 1_000,
    exitedAt: 1_500
  })

  it("counts received, duplicated, spliced, cut and out-of-range lines, and both forms of drop reports", () => {
    const spliced = line(7).slice(0, 40) + line(8)
    const warning =
      `{"level":"warning","message":"log buffer full: 2 records dropped (overflow policy drop_oldest)","dropped":2,"dropped_total":2}\n`
    const out = line(0) + line(1) + line(1) + line(2) + spliced + warning + line(42) + `{"message":"other"}\n` +
      line(3).slice(0, 20)
    const err =
      "sink-child: trigger t=1200 logged=10 loop-max-ms=3\neffect-foundation: stdout stuck at exit: 3 lines dropped\n" +
      "sink-child: exit t=1490 code=0 loop-max-ms=12\n"
    const c = check(result(out, err))
    expect({
      received: c.received,
      duplicated: c.duplicated,
      corrupt: c.corrupt,
      other: c.otherRecords,
      dropWarnings: c.dropWarnings,
      inStream: c.droppedInStream,
      stderr: c.droppedStderr,
      unaccounted: c.unaccounted,
      exitMs: c.exitMs,
      loop: c.loopMaxMs
    }).toEqual({
      received: 3, // 0, 1, 2
      duplicated: 1,
      corrupt: 3, // the splice, i=42 (out of range), the cut last line
      other: 1,
      dropWarnings: 1,
      inStream: 2,
      stderr: 3,
      unaccounted: 10 - 3 - 5,
      exitMs: 300,
      loop: 12
    })
    expect(violations(c, { deadlineMs: 1_000 })).toEqual(["2 lost silently", "1 duplicated", "3 corrupt"])
  })

  it("/dev/null: counts the sink's own report and nothing may be dropped", () => {
    const ok = check(
      result(
        "",
        "sink-child: report {\"status\":\"flushed\",\"dropped\":0}\nsink-child: trigger t=1200 logged=10 loop-max-ms=1\n",
        "devnull"
      )
    )
    expect({ received: ok.received, observable: ok.observable, v: violations(ok, { deadlineMs: 1_000 }) })
      .toEqual({ received: 10, observable: false, v: [] })
    const bad = check(
      result(
        "",
        "sink-child: report {\"status\":\"flushed\",\"dropped\":4}\nsink-child: trigger t=1200 logged=10 loop-max-ms=1\n",
        "devnull"
      )
    )
    expect(violations(bad, { deadlineMs: 1_000 })).toEqual(["4 dropped (target never behind)"])
  })
})

describe.skipIf(!hasPython())("sink contract: sockets and terminals never freeze the loop", () => {
  it(
    "stderr a blocking Unix socket (journald's kind) whose reader stalls: the loop keeps turning, the 0.5 s deadline holds, no line cut or spliced",
    async () => {
      const c = await run({
        child: { count: 20_000, size: 200, yield: { every: 1_000, by: "sleep" }, exit: "normal" },
        target: "socket-stuck",
        shutdownTimeoutMs: 500,
        hardKillMs: 15_000
      })
      // The drop report goes to stderr, which is this stuck socket: it cannot arrive (reports of a stuck stderr
      // are item 8), so the lines not received are not held to a report here; nothing else is excused.
      expect(
        breaks("socket-stuck", { ...c, unaccounted: 0 }, { deadlineMs: 500, loopMs: 1_000 }, {
          "some lines written": c.received > 0
        })
      ).toEqual({})
    },
    30_000
  )

  it(
    "stdout a terminal that is paused (Ctrl-S): the loop keeps turning, Ctrl-C (SIGINT) ends the program within its 0.5 s deadline, every line written or reported",
    async () => {
      const r = await runChild({
        child: { count: 20_000, size: 200, yield: { every: 1_000, by: "sleep" }, exit: "runMain-SIGINT" },
        target: "tty-stuck",
        shutdownTimeoutMs: 500,
        hardKillMs: 15_000
      })
      const c = check(r)
      // A terminal takes part of a line when that is all it has room for: when the deadline passes there, the
      // very end of the output is a cut line (counted as dropped). Nothing comes after it, nothing is spliced.
      const cut = r.output !== "" && !r.output.endsWith("\n") ? 1 : 0
      expect(
        breaks("tty-stuck", { ...c, corrupt: c.corrupt - cut }, { deadlineMs: 500, loopMs: 1_000 }, {
          "some lines written": c.received > 0
        })
      ).toEqual({})
    },
    30_000
  )
})
