/**
 * OTLP export, configuration: the parsers of the `OTEL_*` variables and the protocol rule, shared by both bindings
 * (each reads the variables through its own `Config` and fails with its `ConfigError` carrying these messages).
 * Effect-free.
 */

/**
 * `k1=v1,k2=v2`, values URL-decoded (the OTel convention for headers and resource attributes).
 *
 * @internal
 */
export const parseKeyValues = (raw: string): Record<string, string> | undefined => {
  const out: Record<string, string> = {}
  for (const part of raw.split(",")) {
    if (part.trim() === "") continue
    const eq = part.indexOf("=")
    if (eq <= 0) return undefined
    const key = part.slice(0, eq).trim()
    let value: string
    try {
      value = decodeURIComponent(part.slice(eq + 1).trim())
    } catch {
      return undefined
    }
    if (key === "") return undefined
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  }
  return out
}

/**
 * What `OTEL_RESOURCE_ATTRIBUTES` accepts.
 *
 * @internal
 */
export const keyValuesAccepted =
  "comma-separated key=value pairs, values URL-encoded (e.g. \"x-tenant=acme,team=a%20b\")"

/** RFC 9110 `token`: a header name. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** RFC 9110 `field-value` (trimmed): visible ASCII, obs-text, spaces and tabs; no CR, LF, NUL or other control character. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/**
 * Why `name: value` cannot be sent as an HTTP header, or `undefined` when it can.
 * Never quotes the value (it may be a secret); quotes the name only when it is a legal token.
 *
 * @internal
 */
export const headerProblem = (name: string, value: string): string | undefined =>
  !TOKEN.test(name)
    ? "a header name is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~ only)"
    : !FIELD_VALUE.test(value)
    ? `the value of header ${
      JSON.stringify(name)
    } holds a character an HTTP header cannot carry (CR, LF, NUL, another control character, or one beyond U+00FF)`
    : undefined

/**
 * What `OTEL_EXPORTER_OTLP_(LOGS_)HEADERS` accept.
 *
 * @internal
 */
export const headersAccepted =
  "comma-separated name=value pairs, names HTTP tokens, values URL-encoded without control characters (e.g. \"x-tenant=acme,authorization=Bearer%20t0k\")"

/**
 * `OTEL_EXPORTER_OTLP_(LOGS_)HEADERS` from its text: the headers, or the message of why not (never quoting the
 * value: it may hold a secret).
 *
 * @internal
 */
export const headersFromText = (
  name: string,
  raw: string
): { readonly headers: Record<string, string> } | { readonly message: string } => {
  const pairs = parseKeyValues(raw)
  const problem = pairs === undefined
    ? "not name=value pairs, or a value is not valid URL encoding"
    : Object.keys(pairs).map((key) => headerProblem(key, pairs[key]!)).find((p) => p !== undefined)
  return problem === undefined
    ? { headers: pairs! }
    : {
      message:
        `${name}: invalid value (${problem}; the value is not shown, it may hold a secret); accepted: ${headersAccepted}`
    }
}

/** @internal */
export const parseUrl = (raw: string): string | undefined => {
  const v = raw.trim()
  try {
    const u = new URL(v)
    return u.protocol === "http:" || u.protocol === "https:" ? v : undefined
  } catch {
    return undefined
  }
}

/** @internal */
export const parseCompression = (raw: string): "gzip" | "none" | undefined => {
  const v = raw.trim().toLowerCase()
  return v === "gzip" || v === "none" ? v : undefined
}

/** @internal */
export const parseTimeout = (raw: string): number | undefined => {
  const v = raw.trim()
  return /^\d{1,9}$/.test(v) && Number(v) > 0 ? Number(v) : undefined
}

/** @internal */
export type Protocol = "http/protobuf" | "http/json"

/**
 * `OTEL_EXPORTER_OTLP_LOGS_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL` (the first one set decides), from their
 * texts. Never fails: these variables are shared by every OTel SDK of the program, so a value this exporter cannot
 * use turns into one warning line. `grpc`: the export is off; an unknown value is ignored (the default is used).
 *
 * @internal
 */
export const protocolFrom = (
  values: ReadonlyArray<readonly [name: string, raw: string | undefined]>
): { readonly protocol: Protocol | "off" | undefined; readonly warning?: string } => {
  for (const [name, raw] of values) {
    const v = raw?.trim().toLowerCase()
    if (v === undefined || v === "") continue
    if (v === "http/protobuf" || v === "http/json") return { protocol: v }
    if (v === "grpc") {
      return {
        protocol: "off",
        warning: `${name}=grpc: this exporter sends OTLP over HTTP only (http/protobuf, http/json); ` +
          "OTLP log export is off"
      }
    }
    return {
      protocol: undefined,
      warning: `${name}: unknown value ${JSON.stringify(raw)} ignored (accepted: http/protobuf, http/json, grpc); ` +
        "exporting with http/protobuf"
    }
  }
  return { protocol: undefined }
}

/**
 * The message of an `Otlp` option `headers` that cannot be sent, or `undefined`.
 *
 * @internal
 */
export const headersOptionProblem = (headers: Readonly<Record<string, string>> | undefined): string | undefined => {
  for (const key of Object.keys(headers ?? {})) {
    const problem = headerProblem(key, String(headers![key]))
    if (problem !== undefined) return `Otlp option headers: ${problem}`
  }
  return undefined
}
