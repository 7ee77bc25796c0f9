/**
 * Redaction cost on a record with no sensitive key and no secret in its
 * values: redaction on (the default) vs off, through `Log.info` with the
 * logger installed (JSON and console), and through the pure formatter. Plus,
 * for information, the cost when a record does carry a sensitive key and a
 * secret inside a string.
 *
 * Every subject writes to its own temp file; line counts are verified.
 */
import * as fs from "node:fs"
import { Effect, ManagedRuntime } from "effect"
import { EmojiLogger, Log } from "effect-foundation"
import { compare, countLines, expectLines, type Row, type Scenario, tempFile } from "../harness.js"

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

/** `Log.info` through the installed logger (a ManagedRuntime built once). */
const viaLogger = (name: string, options: EmojiLogger.Options, fields: (i: number) => Record<string, unknown>): Made => {
  const w = fileWriter(name.replace(/\W+/g, "-"))
  const runtime = ManagedRuntime.make(EmojiLogger.layer(options, w.write))
  let expected = 0
  const loop = (n: number) =>
    Effect.suspend(() => {
      let i = 0
      return Effect.whileLoop({ while: () => i++ < n, body: () => Log.info(message, fields(i)), step: () => {} })
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
const viaFormatter = (name: string, options: EmojiLogger.Options, fields: (i: number) => Record<string, unknown>): Made => {
  const w = fileWriter(name.replace(/\W+/g, "-"))
  const format = EmojiLogger.makeFormatter(options)
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

const pair = async (
  scenario: string,
  make: (name: string, options: EmojiLogger.Options, fields: (i: number) => Record<string, unknown>) => Made,
  label: string,
  options: EmojiLogger.Options,
  fields: (i: number) => Record<string, unknown>,
  target: string | undefined,
  threshold: number | undefined
): Promise<Array<Row>> => {
  const off = make(`${label}, redaction off`, { ...options, redaction: { enabled: false } }, fields)
  const on = make(`${label}, redaction on`, options, fields)
  const [mOff, mOn] = await compare([off, on], { ops: OPS, rounds: ROUNDS })
  const fOff = off.finish()
  const fOn = on.finish()
  expectLines(off.name + " (file)", countLines(fOff.file), fOff.expected)
  expectLines(on.name + " (file)", countLines(fOn.file), fOn.expected)
  const ratio = mOff!.nsPerOp / mOn!.nsPerOp // throughput of "on" relative to "off"
  const note = `${fOn.written.toLocaleString("en")} lines verified, ${ROUNDS} interleaved rounds of ${OPS.toLocaleString("en")}`
  return [
    { scenario, subject: off.name, value: mOff!.nsPerOp, unit: "ns/line", note },
    {
      scenario,
      subject: on.name,
      value: mOn!.nsPerOp,
      unit: "ns/line",
      baseline: off.name,
      ratio,
      ...(target === undefined ? {} : { target, pass: ratio >= threshold! }),
      note
    }
  ]
}

const scenario: Scenario & { notes: Array<string> } = {
  name: "redaction",
  notes: [
    "redaction: ratio = throughput with redaction on / off for the same record (6 ordinary fields, no sensitive key, no secret; the url and request id change on every record); " +
    "target >= 0.95x means redaction costs at most ~5%, within run-to-run noise. The last two rows (a record with an `authorization` " +
    "field and a `password=` pair in a string) show the cost when there is something to redact, for information."
  ],
  run: async () => {
    const base: EmojiLogger.Options = { loggerNameEmoji: false }
    const rows: Array<Row> = []
    rows.push(...await pair("redaction", viaLogger, "Log.info JSON, no sensitive key", { ...base, format: "json" }, plainFields, ">= 0.95x", 0.95))
    rows.push(...await pair("redaction", viaLogger, "Log.info console, no sensitive key", { ...base, format: "key_value" }, plainFields, ">= 0.95x", 0.95))
    rows.push(...await pair("redaction", viaFormatter, "formatter JSON, no sensitive key", { ...base, format: "json" }, plainFields, ">= 0.95x", 0.95))
    rows.push(...await pair("redaction", viaLogger, "Log.info JSON, with a sensitive key and a secret", { ...base, format: "json" }, secretFields, undefined, undefined))
    return rows
  }
}

export default scenario
