/**
 * `effect-foundation pretty [file] [--level LEVEL] [--timestamps] [--color | --no-color]`
 *
 * Reads JSON log lines (effect-foundation's JSON output, or pino's) from a
 * file or stdin and prints them in the emoji console format; other lines pass
 * through unchanged. Streams line by line and batches its writes.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import type { Readable, Writable } from "node:stream"
import { acceptedLevels, type LevelName } from "../core/level.js"
import { aLevel, invalidMessage } from "../internal/parse.js"
import { makePrettifier } from "../internal/pretty.js"

/**
 * Where the CLI reads and writes (the process's streams by default).
 *
 * @since 0.1.0
 * @category models
 *
 * @internal
 */
export interface Io {
  readonly stdin: Readable
  readonly stdout: Writable & { readonly isTTY?: boolean | undefined }
  readonly stderr: Writable
  readonly env: Readonly<Record<string, string | undefined>>
}

/**
 * The usage text.
 *
 * @since 0.1.0
 * @category constants
 *
 * @internal
 */
export const usage = `Usage: effect-foundation pretty [file] [options]

Reads JSON log lines (effect-foundation JSON, or pino's level/time/msg) from
<file> or stdin and prints the emoji console format. Other lines pass through.

Options:
  --level <LEVEL>      drop records below LEVEL (${acceptedLevels})
  --timestamps         print each record's timestamp
  --color, --no-color  force colours on / off (default: on for a terminal;
                       NO_COLOR and FORCE_COLOR are honoured)
  -h, --help           this text
`

interface Args {
  readonly file: string | undefined
  readonly level: LevelName | undefined
  readonly timestamps: boolean
  readonly color: boolean | undefined
}

const parseArgs = (argv: ReadonlyArray<string>): Args | { readonly error: string } | "help" => {
  if (argv.length === 0 || argv[0] === "-h" || argv[0] === "--help" || argv[0] === "help") {
    return argv.length === 0
      ? { error: "missing command" }
      : "help"
  }
  if (argv[0] !== "pretty") return { error: `unknown command "${argv[0]}"` }
  let file: string | undefined
  let level: LevelName | undefined
  let timestamps = false
  let color: boolean | undefined
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === "-h" || arg === "--help") return "help"
    if (arg === "--level" || arg.startsWith("--level=")) {
      const raw = arg === "--level" ? argv[++i] : arg.slice("--level=".length)
      if (raw === undefined) return { error: "--level needs a value" }
      level = aLevel.parse(raw)
      if (level === undefined) return { error: invalidMessage("--level", raw, aLevel.accepted) }
    } else if (arg === "--timestamps") timestamps = true
    else if (arg === "--color" || arg === "--colour") color = true
    else if (arg === "--no-color" || arg === "--no-colour") color = false
    else if (arg === "-" && file === undefined) file = "-"
    else if (arg.startsWith("-")) return { error: `unknown option "${arg}"` }
    else if (file === undefined) file = arg
    else return { error: `unexpected argument "${arg}"` }
  }
  return { file: file === "-" ? undefined : file, level, timestamps, color }
}

const colorsFor = (flag: boolean | undefined, env: Io["env"], isTTY: boolean): boolean => {
  if (flag !== undefined) return flag
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false
  const force = env.FORCE_COLOR
  if (force !== undefined && force !== "") return !(force === "0" || force.toLowerCase() === "false")
  return isTTY
}

const HIGH_WATER = 64 * 1024

/** The input: stdin, or the file (`undefined`, reported, when it cannot be read). */
const openInput = async (
  file: string | undefined,
  stdin: Readable,
  stderr: Writable
): Promise<Readable | undefined> => {
  if (file === undefined) return stdin
  try {
    await fs.promises.access(file, fs.constants.R_OK)
  } catch (e) {
    stderr.write(`effect-foundation: cannot read ${file}: ${(e as Error).message}\n`)
    return undefined
  }
  return fs.createReadStream(file, { highWaterMark: HIGH_WATER })
}

interface Output {
  /** Writes `text`; a promise when stdout is full (resolved on drain, close or error). */
  readonly write: (text: string) => Promise<void> | undefined
  /** stdout failed (EPIPE: the reader is gone): stop quietly. */
  readonly closed: () => boolean
}

const outputTo = (stdout: Writable): Output => {
  let closed = false
  stdout.on("error", () => {
    // EPIPE (`| head`): the reader is gone, stop quietly.
    closed = true
  })
  const write = (text: string): Promise<void> | undefined => {
    if (closed || text === "") return undefined
    if (stdout.write(text)) return undefined
    return new Promise<void>((resolve) => {
      const done = () => {
        stdout.off("drain", done)
        stdout.off("close", done)
        stdout.off("error", done)
        resolve()
      }
      stdout.on("drain", done)
      stdout.on("close", done)
      stdout.on("error", done)
    })
  }
  return { write, closed: () => closed }
}

/** Every line of `input` through `pretty` to `output`, a chunk's lines in one write. */
const prettify = async (input: Readable, pretty: (line: string) => string, output: Output): Promise<void> => {
  // The unfinished line's pieces: joined once when its newline arrives, so a line spread over many chunks
  // costs time linear in its length (re-scanning a growing `rest + chunk` was quadratic).
  let partial: Array<string> = []
  const line = (piece: string): string => {
    if (partial.length === 0) return piece
    partial.push(piece)
    const whole = partial.join("")
    partial = []
    return whole
  }
  for await (const chunk of input as AsyncIterable<string>) {
    if (output.closed()) break
    let out = ""
    let start = 0
    let nl = chunk.indexOf("\n")
    while (nl !== -1) {
      const text = line(chunk.slice(start, nl))
      const cr = text.charCodeAt(text.length - 1) === 13
      const body = cr ? text.slice(0, -1) : text
      const rendered = pretty(body)
      // A passed-through line keeps its CR.
      out += cr && rendered === body + "\n" ? body + "\r\n" : rendered
      start = nl + 1
      nl = chunk.indexOf("\n", start)
    }
    if (start < chunk.length) partial.push(start === 0 ? chunk : chunk.slice(start))
    const pending = output.write(out)
    if (pending !== undefined) await pending
  }
  const rest = partial.join("")
  if (rest !== "" && !output.closed()) {
    const rendered = pretty(rest.endsWith("\r") ? rest.slice(0, -1) : rest)
    // The last line had no newline: a passed-through one stays without it.
    const pending = output.write(rendered === (rest.endsWith("\r") ? rest.slice(0, -1) : rest) + "\n" ? rest : rendered)
    if (pending !== undefined) await pending
  }
}

/**
 * Runs the CLI; resolves to the exit code (0, 1 for an unreadable file, 2
 * for a usage error).
 *
 * @since 0.1.0
 * @category running
 *
 * @internal
 */
export const main = async (argv: ReadonlyArray<string>, io?: Io): Promise<number> => {
  const { env, stderr, stdin, stdout } = io ??
    { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }
  const args = parseArgs(argv)
  if (args === "help") {
    stdout.write(usage)
    return 0
  }
  if ("error" in args) {
    stderr.write(`effect-foundation: ${args.error}\n\n${usage}`)
    return 2
  }
  const pretty = makePrettifier({
    level: args.level,
    timestamps: args.timestamps,
    colors: colorsFor(args.color, env, stdout.isTTY === true)
  })
  const input = await openInput(args.file, stdin, stderr)
  if (input === undefined) return 1
  input.setEncoding("utf8")
  await prettify(input, pretty, outputTo(stdout))
  return 0
}
