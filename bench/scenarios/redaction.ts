/**
 * Redaction cost on a record with no sensitive key and no secret in its
 * values: redaction on (the default) vs off, through `Log.info` with the
 * logger installed (JSON and console), and through the pure formatter. Plus,
 * for information, the cost when a record does carry a sensitive key and a
 * secret inside a string.
 *
 * For the two `Log.info` groups, the default configuration on the baseline
 * copy of the library runs in the same interleaved rounds: target >= 0.95x.
 *
 * Every subject writes to its own temp file; line counts are verified.
 */
import { Effect, ManagedRuntime } from "effect"
import * as current from "effect-foundation"
import type { EmojiLogger } from "effect-foundation"
import * as fs from "node:fs"
import { type Lib, loadBaseline } from "../baseline.js"
import { compare, countLines, expectLines, type Row, type Scenario, tempFile, versusBaseline } from "../harness.js"

const message = "request handled"
// Realistic values: constant ones (method, user agent) and ones that change on every record (url, request id).
const userAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"
const plainFields = (i: number): Record<string, unknown> => ({
  method: "GET",
  url: `https://example.com/api/users/${i}?page=2&sort=name`,
  status: 200,
  duration_ms: 12.5,
  user_agent: userAgent,
  request_id: "req-" + i.toString(16)
})
const secretFields = (i: number): Record<string, unknown> => ({
  ...plainFields(i),
  authorization: "Bearer abc123def456ghi" + i,
  note: `retrying with password=hunter${i} for bob`
})

/** A buffered file writer: one `write` per 64 KiB. */
const fileWriter = (label: string) => {
  const file = tempFile(label)
  const fd = fs.openSync(file, "w")
  let buf = ""
  let lines = 0
  return {
    file,
    write: (line: string) => {
      buf += line
      lines++
      if (buf.length > 65_536) {
        fs.writeSync(fd, buf)
        buf = ""
      }
    },
    close: () => {
      if (buf !== "") fs.writeSync(fd, buf)
      buf = ""
      fs.closeSync(fd)
      return lines
    }
  }
}

const OPS = 20_000
const ROUNDS = 9

interface Made {
  readonly name: string
  readonly run: (ops: number) => void | Promise<void>
  readonly finish: () => { file: string; written: number; expected: number }
}

/** `Log.info` through the installed logger (a ManagedRuntime built once), on the current sources or `lib`. */
const viaLogger =
  (lib: Lib = current) =>
  (name: string, options: EmojiLogger.Options, fields: (i: number) => Record<string, unknown>): Made => {
    const w = fileWriter(name.replace(/\W+/g, "-"))
    const runtime = ManagedRuntime.make(lib.EmojiLogger.layer(options, w.write))
    let expected = 0
    const loop = (n: number) =>
      Effect.suspend(() => {
        let i = 0
        return Effect.whileLoop({ while: () => i++ < n, body: () => lib.Log.info(message, fields(i)), step: () => {} })
      })
    return {
      name,
      run: async (ops) => {
        await runtime.runPromise(loop(ops))
        expected += ops
      },
      finish: () => {
        const written = w.close()
        void runtime.dispose()
        expectLines(name, written, expected)
        return { file: w.file, written, expected }
      }
    }
  }

/** The pure formatter alone (EmojiLogger.makeFormatter). */
const viaFormatter = (
  name: string,
  options: EmojiLogger.Options,
  fields: (i: number) => Record<string, unknown>
): Made => {
  const w = fileWriter(name.replace(/\W+/g, "-"))
  const format = current.EmojiLogger.makeFormatter(options)
  const timestamp = new Date(0)
  let expected = 0
  return {
    name,
    run: (ops) => {
      for (let i = 0; i < ops; i++) w.write(format({ timestamp, level: "info", message, fields: fields(i) }))
      expected += ops
    },
    finish: () => {
      const written = w.close()
      expectLines(name, written, expected)
      return { file: w.file, written, expected }
    }
  }
}

interface Target {
  readonly text: string
  readonly min: number
}

type Make = (name: string, options: EmojiLogger.Options, fields: (i: number) => Record<string, unknown>) => Made

/** off vs keys only (builtinPatterns: false) vs full (the default), interleaved; plus the default on the baseline when given. */
const group = async (
  make: Make,
  label: string,
  options: EmojiLogger.Options,
  fields: (i: number) => Record<string, unknown>,
  targets: { readonly keys?: Target; readonly full?: Target },
  baseline?: { readonly make: Make; readonly label: string }
): Promise<Array<Row>> => {
  const subjects = [
    make(`${label}, redaction off`, { ...options, redaction: { enabled: false } }, fields),
    make(`${label}, keys only`, { ...options, redaction: { builtinPatterns: false } }, fields),
    make(`${label}, keys + patterns (default)`, options, fields)
  ]
  const measured = await compare(subjects, { ops: OPS, rounds: ROUNDS })
  const other = baseline === undefined
    ? undefined
    : baseline.make(`${baseline.label} ${label}, keys + patterns (default)`, options, fields)
  const vsBase = other === undefined
    ? undefined
    : await versusBaseline("redaction", subjects[2]!, other, { ops: OPS / 2, unit: "ns/line" })
  if (other !== undefined) {
    const done = other.finish()
    expectLines(other.name + " (file)", countLines(done.file), done.expected)
  }
  const finished = subjects.map((s) => s.finish())
  subjects.forEach((s, i) => expectLines(s.name + " (file)", countLines(finished[i]!.file), finished[i]!.expected))
  const note = `${ROUNDS} interleaved rounds of ${OPS.toLocaleString("en")}; every file's line count verified`
  const base = measured[0]!
  const row = (i: number, target: Target | undefined): Row => {
    const ratio = base.nsPerOp / measured[i]!.nsPerOp // throughput relative to "off"
    return {
      scenario: "redaction",
      subject: subjects[i]!.name,
      value: measured[i]!.nsPerOp,
      unit: "ns/line",
      baseline: subjects[0]!.name,
      ratio,
      ...(target === undefined ? {} : { target: target.text, pass: ratio >= target.min }),
      note
    }
  }
  const rows: Array<Row> = [
    { scenario: "redaction", subject: subjects[0]!.name, value: base.nsPerOp, unit: "ns/line", note },
    row(1, targets.keys),
    row(2, targets.full)
  ]
  if (vsBase !== undefined) rows.push(vsBase.row)
  return rows
}

const keysTarget: Target = { text: ">= 0.95x", min: 0.95 }
const fullTarget: Target = { text: ">= 0.90x", min: 0.90 }

const scenario: Scenario & { notes: Array<string> } = {
  name: "redaction",
  notes: [
    "redaction: ratio = throughput relative to redaction off, for the same record (message + 6 ordinary fields, no sensitive key, " +
    "no secret; the url and request id change on every record). \"keys only\" (`builtinPatterns: false`, " +
    "PROVIDE_LOG_SANITIZATION_PATTERNS_ENABLED=false) checks keys once per distinct key: target >= 0.95x, i.e. within noise. " +
    "The default also scans every string value once for secret patterns (one regex pass per value not seen just before; " +
    "repeated values are recognised by one comparison; strings under 15 characters skip the regex): target >= 0.90x through Log.info; " +
    "the formatter-alone group shows the same absolute cost against a smaller total, for information. The last group (an `authorization` field and a " +
    "`password=` pair inside a string) shows the cost when there is something to redact, for information. " +
    "For the two Log.info groups without a sensitive key, the default configuration on the baseline copy is compared with the current default (\"current vs baseline\", target >= 0.95x)."
  ],
  run: async () => {
    const base: EmojiLogger.Options = { loggerNameEmoji: false }
    const rows: Array<Row> = []
    const targets = { keys: keysTarget, full: fullTarget }
    const loaded = await loadBaseline()
    const baseline = loaded === undefined ? undefined : { make: viaLogger(loaded.lib), label: loaded.label }
    const groups = [
      await group(
        viaLogger(),
        "Log.info JSON, no sensitive key",
        { ...base, format: "json" },
        plainFields,
        targets,
        baseline
      ),
      await group(
        viaLogger(),
        "Log.info console, no sensitive key",
        { ...base, format: "key_value" },
        plainFields,
        targets,
        baseline
      ),
      // The formatter alone is a fraction of a log call, so the scan weighs more here: information, no target.
      await group(viaFormatter, "formatter JSON, no sensitive key", { ...base, format: "json" }, plainFields, {
        keys: keysTarget
      }),
      await group(
        viaLogger(),
        "Log.info JSON, with a sensitive key and a secret",
        { ...base, format: "json" },
        secretFields,
        {}
      )
    ]
    for (const g of groups) for (const row of g) rows.push(row)
    return rows
  }
}

export default scenario
