/**
 * Request logging's Effect-free half, shared by both bindings' `HttpLogging`: the options checked once, the request
 * id (an incoming one when usable, else a generated one), the logged path (no query string, no fragment: they may
 * hold secrets), the skipped paths, the logged request headers (the credential headers always `[REDACTED]`), and
 * which line a request's status makes (level, message, fields). Each binding reads the request, binds the context,
 * echoes the id and logs the line through its own Effect.
 */
import { acceptedLevels, type LevelInput, type LevelName, levelOf } from "./level.js"
import { redactedMarker } from "./redactScan.js"

/**
 * The Effect-free options, as each binding's `HttpLogging.Options` declares them (documented there).
 *
 * @internal
 */
export interface HttpOptions {
  readonly successLevel?: LevelInput
  readonly received?: boolean
  readonly headers?: ReadonlyArray<string>
  readonly skipPaths?: ReadonlyArray<string | RegExp> | ((path: string) => boolean)
  readonly requestIdHeader?: string
  readonly generateId?: () => string
  readonly loggerName?: string
}

/**
 * The options, checked and with their defaults.
 *
 * @internal
 */
export interface HttpSettings {
  readonly successLevel: LevelName
  readonly logReceived: boolean
  /** Lower-cased. */
  readonly headerNames: ReadonlyArray<string>
  /** Lower-cased. */
  readonly idHeader: string
  readonly generateId: () => string
  readonly skip: ((path: string) => boolean) | undefined
  readonly loggerName: string
}

/**
 * How a binding makes the error of a bad option (its `IllegalArgumentException`, in the one wording): `where` is
 * `"HttpLogging"`, or `""` when the options themselves are not an object.
 *
 * @internal
 */
export type InvalidOption = (where: string, name: string, value: unknown, accepted: string) => Error

const defaultGenerateId = (): string => globalThis.crypto.randomUUID()

const isStringArray = (value: unknown): value is ReadonlyArray<string> =>
  Array.isArray(value) && value.every((v) => typeof v === "string")

/** `undefined` when the option is absent or valid; else the error of the first bad one. */
const badOption = (options: HttpOptions, invalid: InvalidOption): Error | undefined => {
  const bad = (name: string, value: unknown, accepted: string) => invalid("HttpLogging", name, value, accepted)
  const { generateId, headers, loggerName, requestIdHeader, skipPaths } = options
  if (headers !== undefined && !isStringArray(headers)) return bad("headers", headers, "an array of header names")
  if (requestIdHeader !== undefined && (typeof requestIdHeader !== "string" || requestIdHeader === "")) {
    return bad("requestIdHeader", requestIdHeader, "a header name")
  }
  if (generateId !== undefined && typeof generateId !== "function") return bad("generateId", generateId, "a function")
  if (loggerName !== undefined && typeof loggerName !== "string") return bad("loggerName", loggerName, "a string")
  if (
    skipPaths !== undefined && typeof skipPaths !== "function" &&
    !(Array.isArray(skipPaths) && skipPaths.every((p) => typeof p === "string" || p instanceof RegExp))
  ) return bad("skipPaths", skipPaths, "an array of paths and RegExps, or a predicate")
  return undefined
}

/**
 * Checks the options; throws the binding's error for the first bad one, naming it
 * (`HttpLogging option successLevel: invalid value "LOUD"; accepted: ...`).
 *
 * @internal
 */
export const httpSettings = (options: HttpOptions, invalid: InvalidOption): HttpSettings => {
  if (typeof options !== "object" || options === null) {
    throw invalid("", "HttpLogging options", options, "an options object")
  }
  const successLevel = levelOf(options.successLevel ?? "info")
  if (successLevel === undefined) throw invalid("HttpLogging", "successLevel", options.successLevel, acceptedLevels)
  const error = badOption(options, invalid)
  if (error !== undefined) throw error
  return {
    successLevel,
    logReceived: options.received === true,
    headerNames: (options.headers ?? []).map((h) => h.toLowerCase()),
    idHeader: (options.requestIdHeader ?? "x-request-id").toLowerCase(),
    generateId: options.generateId ?? defaultGenerateId,
    skip: skipper(options.skipPaths),
    loggerName: options.loggerName ?? "http"
  }
}

// An incoming id is echoed and logged: printable ASCII, no spaces, bounded.
const usableId = /^[\x21-\x7e]{1,128}$/

/**
 * The request's id: the incoming header's when usable (printable ASCII, no spaces, at most 128 characters), else a
 * generated one; a `generateId` that throws or makes an unusable id is replaced by a UUID, so the request is still
 * handled, echoed and logged.
 *
 * @internal
 */
export const requestIdOf = (settings: HttpSettings, incoming: string | undefined): string => {
  if (incoming !== undefined && usableId.test(incoming)) return incoming
  if (settings.generateId === defaultGenerateId) return defaultGenerateId()
  let id: unknown
  try {
    id = settings.generateId()
  } catch {
    return defaultGenerateId()
  }
  return typeof id === "string" && usableId.test(id) ? id : defaultGenerateId()
}

/**
 * The logged path: the URL up to its query string or fragment (which may hold secrets, and are never logged).
 *
 * @internal
 */
export const pathOf = (url: string): string => {
  const q = url.indexOf("?")
  const h = url.indexOf("#")
  const end = q === -1 ? (h === -1 ? url.length : h) : h === -1 ? q : Math.min(q, h)
  return end === url.length ? url : url.slice(0, end)
}

const skipper = (skip: HttpOptions["skipPaths"]): ((path: string) => boolean) | undefined => {
  if (skip === undefined) return undefined
  if (typeof skip === "function") {
    // a predicate that throws skips nothing: the request is handled and logged
    return (path) => {
      try {
        return skip(path) ? true : false
      } catch {
        return false
      }
    }
  }
  if (skip.length === 0) return undefined
  const exact = new Set<string>()
  const patterns: Array<RegExp> = []
  for (const s of skip) {
    if (typeof s === "string") exact.add(s)
    else patterns.push(s)
  }
  return (path) => {
    if (exact.has(path)) return true
    for (const p of patterns) {
      p.lastIndex = 0
      if (p.test(path)) return true
    }
    return false
  }
}

/**
 * The request headers always written as `[REDACTED]` when asked for.
 *
 * @internal
 */
export const alwaysRedactedHeaders: ReadonlySet<string> = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie"
])

/**
 * The logged request headers (the always-redacted ones as `[REDACTED]`, absent ones left out); `undefined` when none
 * are asked for.
 *
 * @internal
 */
export const headerFieldsOf = (
  settings: HttpSettings,
  headers: Readonly<Record<string, string | undefined>>
): Record<string, string> | undefined => {
  const names = settings.headerNames
  if (names.length === 0) return undefined
  const out: Record<string, string> = {}
  for (const name of names) {
    const value = headers[name]
    if (value === undefined) continue
    out[name] = alwaysRedactedHeaders.has(name) ? redactedMarker : value
  }
  return out
}

/**
 * The status a client abort is answered with (never sent): the request is "cancelled".
 *
 * @internal
 */
export const clientAbortStatus = 499

/**
 * The level and message of a request's last line for the status it answered: ERROR "Request failed" for 5xx, WARN
 * "Request completed" for 4xx, "Request completed" at the success level otherwise.
 *
 * @internal
 */
export const completionOf = (
  settings: HttpSettings,
  status: number
): { readonly level: LevelName; readonly message: string } =>
  status >= 500
    ? failed
    : status >= 400
    ? clientError
    : settings.successLevel === "info"
    ? completedInfo
    : { level: settings.successLevel, message: "Request completed" }

const failed = { level: "error", message: "Request failed" } as const
const clientError = { level: "warning", message: "Request completed" } as const
const completedInfo = { level: "info", message: "Request completed" } as const

/**
 * The completion line's fields (the headers, when asked for, go on the request's lines).
 *
 * @internal
 */
export const completionFields = (
  status: number,
  duration_ms: number,
  headers: Record<string, string> | undefined
): Record<string, unknown> => headers === undefined ? { status, duration_ms } : { status, duration_ms, headers }

/**
 * The "Request cancelled" line's fields: `reason` is `"client disconnected"` or `"server interrupted"`.
 *
 * @internal
 */
export const cancelledFields = (
  duration_ms: number,
  reason: string,
  headers: Record<string, string> | undefined
): Record<string, unknown> => headers === undefined ? { duration_ms, reason } : { duration_ms, reason, headers }

/**
 * The "Request received" line's fields.
 *
 * @internal
 */
export const receivedFields = (headers: Record<string, string> | undefined): Record<string, unknown> =>
  headers === undefined ? {} : { headers }
