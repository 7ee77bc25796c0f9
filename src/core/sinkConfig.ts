/**
 * The sink's environment variables, read the same by both bindings: each variable's parser and wording, the
 * cross-checks (a rotation variable without `PROVIDE_LOG_FILE`, a rotation kept or compressed that nothing
 * triggers), and the options they make. Durations come out in milliseconds; a binding reads the raw texts through its
 * own `Config` and turns a rejection into its `ConfigError` with the message made here.
 */
import {
  aBoolean,
  bytes,
  durationParsers,
  integerAtLeast,
  invalidMessage,
  needsFileMessage,
  nothingRotatesMessage,
  oneOf,
  type Parser
} from "./parse.js"

/** The overflow policies. @internal */
export const overflows = ["drop_oldest", "drop_newest", "block"] as const

const reopenSignals: ReadonlyArray<"SIGHUP" | "SIGUSR2"> = ["SIGHUP", "SIGUSR2"]

// variables' texts only: numbers and texts, never an Effect Duration
const { duration } = durationParsers(() => undefined)

const text = (accepted: string): Parser<string> => ({ accepted, parse: (raw) => String(raw).trim() })

/**
 * Every sink variable with its parser, in the order they are checked.
 *
 * @internal
 */
export const sinkVariables = {
  PROVIDE_LOG_FILE: text("a file path"),
  PROVIDE_LOG_STREAM: oneOf(["stdout", "stderr"]),
  PROVIDE_LOG_FLUSH_SIZE: bytes("a positive number of bytes, e.g. 65536, 64k, 1m"),
  PROVIDE_LOG_FLUSH_INTERVAL: duration("positive", "a positive duration, e.g. 100 (ms), 250 ms, 1 s"),
  PROVIDE_LOG_MAX_BUFFER_BYTES: bytes("a positive number of bytes, e.g. 8388608, 8m"),
  PROVIDE_LOG_OVERFLOW: oneOf(overflows),
  PROVIDE_LOG_SHUTDOWN_TIMEOUT: duration("positive", "a positive duration, e.g. 5000 (ms), 5 s"),
  PROVIDE_LOG_EXIT_HOOK: aBoolean,
  PROVIDE_LOG_FILE_MAX_SIZE: bytes("a positive number of bytes, e.g. 10485760, 10m, 10 MiB"),
  PROVIDE_LOG_FILE_INTERVAL: duration("positive", "a positive duration, e.g. 1 day, 6 h, 30 min"),
  PROVIDE_LOG_FILE_MAX_FILES: integerAtLeast(1, "a positive integer, e.g. 7"),
  PROVIDE_LOG_FILE_COMPRESS: aBoolean,
  PROVIDE_LOG_FILE_REOPEN_SIGNAL: {
    accepted: reopenSignals.join(", "),
    parse: (raw: unknown) => {
      const k = String(raw).trim().toUpperCase()
      return reopenSignals.find((s) => s === k || s === "SIG" + k)
    }
  } as Parser<"SIGHUP" | "SIGUSR2">
} as const

/** The name of a sink variable. @internal */
export type SinkVariable = keyof typeof sinkVariables

/** A sink variable's value, parsed. @internal */
type Parsed = { -readonly [K in SinkVariable]?: NonNullable<ReturnType<(typeof sinkVariables)[K]["parse"]>> }

/**
 * The sink options the variables give (durations in milliseconds): only those set appear.
 *
 * @internal
 */
export interface SinkEnv {
  target?: "stdout" | "stderr" | {
    readonly file: string
    readonly rotate?: {
      maxSize?: number
      interval?: number
      maxFiles?: number
      compress?: boolean
    }
    readonly reopenOnSignal?: "SIGHUP" | "SIGUSR2"
  }
  flushSize?: number
  flushInterval?: number
  maxBufferBytes?: number
  overflow?: (typeof overflows)[number]
  shutdownTimeout?: number
  exitHook?: boolean
}

/**
 * A rejected variable: its name and the message (the one wording).
 *
 * @internal
 */
export interface VariableError {
  readonly name: string
  readonly message: string
}

const rotationVariables = [
  "PROVIDE_LOG_FILE_MAX_SIZE",
  "PROVIDE_LOG_FILE_INTERVAL",
  "PROVIDE_LOG_FILE_MAX_FILES",
  "PROVIDE_LOG_FILE_COMPRESS",
  "PROVIDE_LOG_FILE_REOPEN_SIGNAL"
] as const

const crossCheck = (c: Parsed): VariableError | undefined => {
  if (c.PROVIDE_LOG_FILE === undefined) {
    const name = rotationVariables.find((n) => c[n] !== undefined)
    return name === undefined ? undefined : { name, message: needsFileMessage(name) }
  }
  if (
    (c.PROVIDE_LOG_FILE_MAX_FILES !== undefined || c.PROVIDE_LOG_FILE_COMPRESS !== undefined) &&
    c.PROVIDE_LOG_FILE_MAX_SIZE === undefined && c.PROVIDE_LOG_FILE_INTERVAL === undefined
  ) {
    const name = c.PROVIDE_LOG_FILE_MAX_FILES !== undefined ? "PROVIDE_LOG_FILE_MAX_FILES" : "PROVIDE_LOG_FILE_COMPRESS"
    return { name, message: nothingRotatesMessage(name) }
  }
  return undefined
}

const targetOf = (c: Parsed): SinkEnv["target"] => {
  if (c.PROVIDE_LOG_FILE === undefined) return c.PROVIDE_LOG_STREAM
  const rotate: NonNullable<Exclude<SinkEnv["target"], string | undefined>["rotate"]> = {}
  if (c.PROVIDE_LOG_FILE_MAX_SIZE !== undefined) rotate.maxSize = c.PROVIDE_LOG_FILE_MAX_SIZE
  if (c.PROVIDE_LOG_FILE_INTERVAL !== undefined) rotate.interval = c.PROVIDE_LOG_FILE_INTERVAL
  if (c.PROVIDE_LOG_FILE_MAX_FILES !== undefined) rotate.maxFiles = c.PROVIDE_LOG_FILE_MAX_FILES
  if (c.PROVIDE_LOG_FILE_COMPRESS !== undefined) rotate.compress = c.PROVIDE_LOG_FILE_COMPRESS
  return {
    file: c.PROVIDE_LOG_FILE,
    ...(Object.keys(rotate).length > 0 ? { rotate } : {}),
    ...(c.PROVIDE_LOG_FILE_REOPEN_SIGNAL !== undefined ? { reopenOnSignal: c.PROVIDE_LOG_FILE_REOPEN_SIGNAL } : {})
  }
}

/**
 * The sink options from the variables' texts (`read`: a variable's text, `undefined` when unset); a blank one counts
 * as unset. The first rejected variable, in {@link sinkVariables}' order, or a failed cross-check, is the error.
 *
 * @internal
 */
export const sinkFromEnv = (read: (name: SinkVariable) => string | undefined): SinkEnv | VariableError => {
  const c: Record<string, unknown> = {}
  for (const name of Object.keys(sinkVariables) as Array<SinkVariable>) {
    const raw = read(name)
    if (raw === undefined || raw.trim() === "") continue
    const parser: Parser<unknown> = sinkVariables[name]
    const value = parser.parse(raw)
    if (value === undefined) return { name, message: invalidMessage(name, raw, parser.accepted) }
    c[name] = value
  }
  const parsed = c as Parsed
  const bad = crossCheck(parsed)
  if (bad !== undefined) return bad
  const out: SinkEnv = {}
  const target = targetOf(parsed)
  if (target !== undefined) out.target = target
  if (parsed.PROVIDE_LOG_FLUSH_SIZE !== undefined) out.flushSize = parsed.PROVIDE_LOG_FLUSH_SIZE
  if (parsed.PROVIDE_LOG_FLUSH_INTERVAL !== undefined) out.flushInterval = parsed.PROVIDE_LOG_FLUSH_INTERVAL
  if (parsed.PROVIDE_LOG_MAX_BUFFER_BYTES !== undefined) out.maxBufferBytes = parsed.PROVIDE_LOG_MAX_BUFFER_BYTES
  if (parsed.PROVIDE_LOG_OVERFLOW !== undefined) out.overflow = parsed.PROVIDE_LOG_OVERFLOW
  if (parsed.PROVIDE_LOG_SHUTDOWN_TIMEOUT !== undefined) out.shutdownTimeout = parsed.PROVIDE_LOG_SHUTDOWN_TIMEOUT
  if (parsed.PROVIDE_LOG_EXIT_HOOK !== undefined) out.exitHook = parsed.PROVIDE_LOG_EXIT_HOOK
  return out
}

/**
 * Whether {@link sinkFromEnv} rejected a variable.
 *
 * @internal
 */
export const isVariableError = (r: SinkEnv | VariableError): r is VariableError => "message" in r

/**
 * The `target` option: `"stdout"`, `"stderr"`, `"console"`, `{ file }` (a non-empty path), `{ fd }` (a descriptor
 * number) or a writer function.
 *
 * @internal
 */
export const aTarget: Parser<unknown> = {
  accepted: "\"stdout\", \"stderr\", \"console\", { file }, { fd } or a writer function",
  parse: (t) => {
    if (t === "stdout" || t === "stderr" || t === "console" || typeof t === "function") return t
    if (typeof t !== "object" || t === null) return undefined
    if ("file" in t) return typeof t.file === "string" && t.file !== "" ? t : undefined
    if ("fd" in t) return typeof t.fd === "number" && Number.isSafeInteger(t.fd) && t.fd >= 0 ? t : undefined
    return undefined
  }
}

/**
 * The accepted values of the rotation options (`target.rotate.*`, `target.reopenOnSignal`).
 *
 * @internal
 */
export const rotationAccepted = {
  rotate: "an object { maxSize?, interval?, maxFiles?, compress? }",
  rotateTrigger: "an object with maxSize or interval (or both)",
  maxSize: "a positive number of bytes, e.g. 10485760, \"10 MiB\", \"512k\"",
  interval: "a positive finite duration, e.g. \"1 day\", \"6 hours\", \"30 minutes\"",
  maxFiles: "a positive integer"
} as const

/**
 * How a target is named in messages: `stdout`, `writer`, `file app.log`, `fd 3`.
 *
 * @internal
 */
export const describeTarget = (t: unknown): string => {
  try {
    return typeof t === "string"
      ? t
      : typeof t === "function"
      ? "writer"
      : "file" in (t as object)
      ? `file ${(t as { file: string }).file}`
      : `fd ${(t as { fd: number }).fd}`
  } catch {
    return "an invalid target"
  }
}
