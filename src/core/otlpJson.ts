/**
 * The OTLP logs payload, Effect-free: the shapes of the OTLP/JSON mapping
 * (`ExportLogsServiceRequest` and what it holds), the conversion of a
 * JSON-safe value to an `AnyValue`, and the grouping of a batch by
 * instrumentation scope. The same object is the JSON body
 * (`JSON.stringify`) and the input of the protobuf encoder
 * (`otlpProtobuf.ts`), so both encodings carry the same content.
 *
 * Imports nothing from `effect` or `@effect/*`.
 */

/**
 * An OTLP `AnyValue` in its JSON mapping: one member at most (none: the empty
 * value); `intValue` is an int64 as decimal text.
 *
 * @internal
 */
export type AnyValue =
  | { readonly stringValue: string }
  | { readonly boolValue: boolean }
  | { readonly intValue: string }
  | { readonly doubleValue: number }
  | { readonly arrayValue: { readonly values: ReadonlyArray<AnyValue> } }
  | { readonly kvlistValue: { readonly values: ReadonlyArray<KeyValue> } }
  | Record<string, never>

/** @internal */
export interface KeyValue {
  readonly key: string
  readonly value: AnyValue
}

/**
 * One `LogRecord`: times are nanoseconds as decimal text, ids hex.
 *
 * @internal
 */
export interface LogRecordJson {
  readonly timeUnixNano: string
  readonly observedTimeUnixNano: string
  readonly severityNumber: number
  readonly severityText: string
  readonly body: AnyValue
  readonly attributes: ReadonlyArray<KeyValue>
  readonly traceId?: string
  readonly spanId?: string
  readonly flags?: number
}

/** @internal */
export interface InstrumentationScope {
  readonly name: string
  readonly version?: string
}

/** @internal */
export interface ScopeLogs {
  readonly scope: InstrumentationScope
  readonly logRecords: ReadonlyArray<LogRecordJson>
}

/** @internal */
export interface ResourceLogs {
  readonly resource: { readonly attributes: ReadonlyArray<KeyValue> }
  readonly scopeLogs: ReadonlyArray<ScopeLogs>
}

/**
 * The request body of `POST /v1/logs` (`ExportLogsServiceRequest`).
 *
 * @internal
 */
export interface ExportLogsRequest {
  readonly resourceLogs: ReadonlyArray<ResourceLogs>
}

/**
 * A queued record and its instrumentation scope (the logger name).
 *
 * @internal
 */
export interface Item {
  readonly scope: string | undefined
  readonly record: LogRecordJson
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/**
 * A JSON-safe value as an OTLP `AnyValue`: integers are `intValue` (int64,
 * decimal text), other finite numbers `doubleValue`; `null` / `undefined` are
 * the empty value.
 *
 * @internal
 */
export const anyValue = (v: unknown): AnyValue => {
  switch (typeof v) {
    case "string":
      return { stringValue: v }
    case "boolean":
      return { boolValue: v }
    case "number":
      return Number.isSafeInteger(v)
        ? { intValue: String(v) }
        : Number.isFinite(v)
        ? { doubleValue: v }
        : { stringValue: String(v) }
    case "bigint":
      // intValue is an int64: a larger one is sent as its decimal text
      return v >= INT64_MIN && v <= INT64_MAX ? { intValue: v.toString() } : { stringValue: v.toString() }
    case "undefined":
      return {}
  }
  if (v === null) return {}
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } }
  if (typeof v === "object") {
    const o = v as Record<string, unknown>
    return { kvlistValue: { values: Object.keys(o).map((key) => ({ key, value: anyValue(o[key]) })) } }
  }
  return { stringValue: String(v) }
}

/**
 * Milliseconds since the epoch as nanoseconds in decimal text (0 when not a
 * finite time at or after the epoch).
 *
 * @internal
 */
export const nanos = (millis: number): string =>
  (Number.isFinite(millis) && millis >= 0 ? BigInt(Math.trunc(millis)) * 1_000_000n : 0n).toString()

/**
 * The `telemetry.sdk.*` resource attributes (the OTel resource semantic
 * conventions): this library's name and version, and `nodejs` on runtimes
 * with Node's `process` (Node, Bun, Deno), else `webjs`.
 *
 * @internal
 */
export const sdkAttributes = (version: string): Record<string, string> => {
  const proc = (globalThis as { readonly process?: { readonly versions?: { readonly node?: unknown } } }).process
  return {
    "telemetry.sdk.name": "effect-foundation",
    "telemetry.sdk.language": typeof proc?.versions?.node === "string" ? "nodejs" : "webjs",
    "telemetry.sdk.version": version
  }
}

/**
 * The request body for a batch: one `scopeLogs` per logger name, in order of
 * appearance; every scope carries `version` (this library's: the code that
 * made the record); records without a logger name are in `ownScope`.
 *
 * @internal
 */
export const payload = (
  resource: ReadonlyArray<KeyValue>,
  items: ReadonlyArray<Item>,
  ownScope: InstrumentationScope
): ExportLogsRequest => {
  const scopes = new Map<string | undefined, Array<LogRecordJson>>()
  for (const item of items) {
    const list = scopes.get(item.scope)
    if (list === undefined) scopes.set(item.scope, [item.record])
    else list.push(item.record)
  }
  const version = ownScope.version
  return {
    resourceLogs: [{
      resource: { attributes: resource },
      scopeLogs: Array.from(scopes, ([name, logRecords]) => ({
        scope: name === undefined ? ownScope : version === undefined ? { name } : { name, version },
        logRecords
      }))
    }]
  }
}
