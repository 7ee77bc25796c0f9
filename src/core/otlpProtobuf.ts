/**
 * OTLP logs over protobuf, Effect-free: a hand-written encoder for the few
 * messages of the logs schema (`ExportLogsServiceRequest`, `ResourceLogs`,
 * `Resource`, `ScopeLogs`, `InstrumentationScope`, `LogRecord`, `KeyValue`,
 * `AnyValue`, `ArrayValue`, `KeyValueList`), from the same object the JSON
 * body is (`otlpJson.ts`).
 *
 * Two passes over the payload: the first measures every message and string
 * and notes the sizes (and the 64-bit halves of times and integers) in one
 * reused Float64Array, in the order the second pass needs them; the second writes
 * into one buffer of the exact size. No per-field arrays or objects, no
 * BigInt, no `TextEncoder`: the only allocation is the output buffer.
 *
 * Fields are written in field-number order and proto3 defaults (an empty
 * key, zero flags or time) are left out, as protobufjs writes them: the
 * bytes are the same. Field numbers are those of opentelemetry-proto (`logs/v1/logs.proto`,
 * `common/v1/common.proto`, `resource/v1/resource.proto`,
 * `collector/logs/v1/logs_service.proto`). Imports nothing from `effect` or
 * `@effect/*`.
 */
import type { AnyValue, ExportLogsRequest, KeyValue, LogRecordJson } from "./otlpJson.js"

// Tags: field number << 3 | wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).
const F1_LEN = 0x0a
const F2_LEN = 0x12
const F2_VARINT = 0x10
const F3_LEN = 0x1a
const F3_VARINT = 0x18
const F4_I64 = 0x21
const F5_LEN = 0x2a
const F6_LEN = 0x32
const F1_I64 = 0x09
const F8_I32 = 0x45
const F9_LEN = 0x4a
const F10_LEN = 0x52
const F11_I64 = 0x59

const TWO32 = 4294967296

/** The bytes of a varint of `n` (0 <= n < 2^32). */
const varintSize = (n: number): number => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5)

/** The bytes of a varint of the 64-bit value `hi:lo` (unsigned halves). */
const varint64Size = (lo: number, hi: number): number =>
  hi === 0 ? varintSize(lo) : Math.ceil((64 - Math.clz32(hi)) / 7)

/** UTF-8 length of `s` (a lone surrogate counts as U+FFFD, 3 bytes, as `TextEncoder` writes it). */
const utf8Length = (s: string): number => {
  let n = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) continue
    if (c < 0x800) {
      n += 1
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        // a pair: 2 UTF-16 units, 4 bytes
        n += 2
        i++
      } else {
        n += 2
      }
    } else {
      n += 2
    }
  }
  return n
}

/**
 * A signed or unsigned decimal integer (an int64 `intValue`, a fixed64 time)
 * as 64-bit two's complement halves, noted in `into`: digit by digit on two
 * 32-bit limbs (exact in doubles), no BigInt, no substring; `0, 0` when not
 * a decimal integer.
 */
const noteInt64 = (s: string, into: Sizer): void => {
  const neg = s.charCodeAt(0) === 45 // "-"
  let lo = 0
  let hi = 0
  let i = neg ? 1 : 0
  if (i === s.length) return into.note2(0, 0)
  for (; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48
    if (d < 0 || d > 9) return into.note2(0, 0)
    lo = lo * 10 + d
    const carry = Math.floor(lo / TWO32)
    lo -= carry * TWO32
    hi = (hi * 10 + carry) % TWO32
  }
  if (neg && (lo !== 0 || hi !== 0)) {
    lo = (~lo + 1) >>> 0
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0
  }
  into.note2(lo, hi)
}

/** The notes of the last encoding, kept for the next one (encoding is synchronous: one at a time). */
let scratch = new Float64Array(4096)

/** First pass: content sizes, noted in `sizes` in writing order. */
/** An `AnyValue` read field by field (exactly one is set). */
type AnyValueFields = {
  readonly stringValue?: string
  readonly intValue?: string
  readonly boolValue?: boolean
  readonly doubleValue?: number
  readonly arrayValue?: { readonly values: ReadonlyArray<AnyValue> }
  readonly kvlistValue?: { readonly values: ReadonlyArray<KeyValue> }
}

class Sizer {
  sizes = scratch
  length = 0

  /** Notes `v`; its index. */
  note(v: number): number {
    if (this.length === this.sizes.length) {
      const grown = new Float64Array(this.sizes.length * 2)
      grown.set(this.sizes)
      this.sizes = scratch = grown
    }
    this.sizes[this.length] = v
    return this.length++
  }

  note2(lo: number, hi: number): void {
    this.note(lo)
    this.note(hi)
  }

  /** A string field's bytes (tag, length, content); its length is noted. */
  string(s: string): number {
    const n = utf8Length(s)
    this.note(n)
    return 1 + varintSize(n) + n
  }

  /** A message field's bytes, given a slot taken before its content was measured. */
  close(slot: number, inner: number): number {
    this.sizes[slot] = inner
    return 1 + varintSize(inner) + inner
  }

  open(): number {
    return this.note(0)
  }

  anyValue(v: AnyValue): number {
    const a = v as AnyValueFields
    if (a.stringValue !== undefined) return this.string(a.stringValue)
    if (a.intValue !== undefined) {
      const at = this.length
      noteInt64(a.intValue, this)
      return 1 + varint64Size(this.sizes[at]!, this.sizes[at + 1]!)
    }
    if (a.boolValue !== undefined) return 2
    if (a.doubleValue !== undefined) return 9
    const list = a.arrayValue ?? a.kvlistValue
    if (list === undefined) return 0
    const slot = this.open()
    let inner = 0
    if (a.arrayValue !== undefined) {
      for (const x of a.arrayValue.values) inner += this.close(this.open(), this.anyValue(x))
    } else {
      for (const kv of a.kvlistValue!.values) inner += this.close(this.open(), this.keyValue(kv))
    }
    return this.close(slot, inner)
  }

  keyValue(kv: KeyValue): number {
    return (kv.key === "" ? 0 : this.string(kv.key)) + this.close(this.open(), this.anyValue(kv.value))
  }

  attributes(list: ReadonlyArray<KeyValue>): number {
    let n = 0
    for (const kv of list) n += this.close(this.open(), this.keyValue(kv))
    return n
  }

  logRecord(r: LogRecordJson): number {
    const at = this.length
    noteInt64(r.timeUnixNano, this)
    if (r.observedTimeUnixNano === r.timeUnixNano) this.note2(this.sizes[at]!, this.sizes[at + 1]!)
    else noteInt64(r.observedTimeUnixNano, this)
    const s = this.sizes
    // the two fixed64 times (a zero one, the proto3 default, is left out)
    let n = (s[at] === 0 && s[at + 1] === 0 ? 0 : 9) + (s[at + 2] === 0 && s[at + 3] === 0 ? 0 : 9)
    if (r.severityNumber > 0) n += 1 + varintSize(r.severityNumber)
    if (r.severityText !== "") n += this.string(r.severityText)
    n += this.close(this.open(), this.anyValue(r.body))
    n += this.attributes(r.attributes)
    if (r.flags !== undefined && r.flags !== 0) n += 5
    if (r.traceId !== undefined && r.traceId !== "") n += 2 + (r.traceId.length >>> 1)
    if (r.spanId !== undefined && r.spanId !== "") n += 2 + (r.spanId.length >>> 1)
    return n
  }

  request(p: ExportLogsRequest): number {
    let total = 0
    for (const rl of p.resourceLogs) {
      const slot = this.open()
      let inner = this.close(this.open(), this.attributes(rl.resource.attributes))
      for (const sl of rl.scopeLogs) {
        const scopeLogs = this.open()
        const scope = this.open()
        let scopeInner = sl.scope.name === "" ? 0 : this.string(sl.scope.name)
        if (sl.scope.version !== undefined && sl.scope.version !== "") scopeInner += this.string(sl.scope.version)
        let slInner = this.close(scope, scopeInner)
        for (const r of sl.logRecords) slInner += this.close(this.open(), this.logRecord(r))
        inner += this.close(scopeLogs, slInner)
      }
      total += this.close(slot, inner)
    }
    return total
  }
}

/** Second pass: writes into a buffer of the measured size, reading the noted sizes in the same order. */
class Writer {
  pos = 0
  next = 0
  readonly view: DataView
  constructor(readonly buf: Uint8Array, readonly sizes: Float64Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  }

  varint(n: number): void {
    const buf = this.buf
    while (n > 0x7f) {
      buf[this.pos++] = (n & 0x7f) | 0x80
      n >>>= 7
    }
    buf[this.pos++] = n
  }

  varint64(lo: number, hi: number): void {
    const buf = this.buf
    while (hi !== 0 || lo > 0x7f) {
      buf[this.pos++] = (lo & 0x7f) | 0x80
      lo = ((lo >>> 7) | (hi << 25)) >>> 0
      hi >>>= 7
    }
    buf[this.pos++] = lo
  }

  /** A fixed64 field from two noted halves; left out when 0 (the proto3 default). */
  fixed64(tag: number): void {
    const lo = this.sizes[this.next++]!
    const hi = this.sizes[this.next++]!
    if (lo === 0 && hi === 0) return
    this.buf[this.pos++] = tag
    this.view.setUint32(this.pos, lo, true)
    this.view.setUint32(this.pos + 4, hi, true)
    this.pos += 8
  }

  /** Tag and length of a message (or string), from the noted size. */
  open(tag: number): void {
    this.buf[this.pos++] = tag
    this.varint(this.sizes[this.next++]!)
  }

  string(tag: number, s: string): void {
    this.open(tag)
    const buf = this.buf
    let pos = this.pos
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i)
      if (c < 0x80) {
        buf[pos++] = c
      } else if (c < 0x800) {
        buf[pos++] = 0xc0 | (c >> 6)
        buf[pos++] = 0x80 | (c & 0x3f)
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          const d = c <= 0xdbff && i + 1 < s.length ? s.charCodeAt(i + 1) : 0
          if (d >= 0xdc00 && d <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00)
            i++
            buf[pos++] = 0xf0 | (c >> 18)
            buf[pos++] = 0x80 | ((c >> 12) & 0x3f)
            buf[pos++] = 0x80 | ((c >> 6) & 0x3f)
            buf[pos++] = 0x80 | (c & 0x3f)
            continue
          }
          c = 0xfffd
        }
        buf[pos++] = 0xe0 | (c >> 12)
        buf[pos++] = 0x80 | ((c >> 6) & 0x3f)
        buf[pos++] = 0x80 | (c & 0x3f)
      }
    }
    this.pos = pos
  }

  hex(tag: number, hex: string): void {
    const n = hex.length >>> 1
    this.buf[this.pos++] = tag
    this.varint(n)
    for (let i = 0; i < n; i++) {
      this.buf[this.pos++] = (nibble(hex.charCodeAt(2 * i)) << 4) | nibble(hex.charCodeAt(2 * i + 1))
    }
  }

  anyValue(v: AnyValue): void {
    const a = v as AnyValueFields
    if (a.stringValue !== undefined) return this.string(F1_LEN, a.stringValue)
    if (a.intValue !== undefined) {
      this.buf[this.pos++] = F3_VARINT
      return this.varint64(this.sizes[this.next++]!, this.sizes[this.next++]!)
    }
    if (a.boolValue !== undefined) {
      this.buf[this.pos++] = F2_VARINT
      this.buf[this.pos++] = a.boolValue ? 1 : 0
      return
    }
    if (a.doubleValue !== undefined) {
      this.buf[this.pos++] = F4_I64
      this.view.setFloat64(this.pos, a.doubleValue, true)
      this.pos += 8
      return
    }
    if (a.arrayValue !== undefined) {
      this.open(F5_LEN)
      for (const x of a.arrayValue.values) {
        this.open(F1_LEN)
        this.anyValue(x)
      }
    } else if (a.kvlistValue !== undefined) {
      this.open(F6_LEN)
      for (const kv of a.kvlistValue.values) {
        this.open(F1_LEN)
        this.keyValue(kv)
      }
    }
  }

  keyValue(kv: KeyValue): void {
    if (kv.key !== "") this.string(F1_LEN, kv.key)
    this.open(F2_LEN)
    this.anyValue(kv.value)
  }

  attributes(tag: number, list: ReadonlyArray<KeyValue>): void {
    for (const kv of list) {
      this.open(tag)
      this.keyValue(kv)
    }
  }

  logRecord(r: LogRecordJson): void {
    this.fixed64(F1_I64)
    const observedAt = this.next
    this.next += 2
    if (r.severityNumber > 0) {
      this.buf[this.pos++] = F2_VARINT
      this.varint(r.severityNumber)
    }
    if (r.severityText !== "") this.string(F3_LEN, r.severityText)
    this.open(F5_LEN)
    this.anyValue(r.body)
    this.attributes(F6_LEN, r.attributes)
    if (r.flags !== undefined && r.flags !== 0) {
      this.buf[this.pos++] = F8_I32
      this.view.setUint32(this.pos, r.flags >>> 0, true)
      this.pos += 4
    }
    if (r.traceId !== undefined && r.traceId !== "") this.hex(F9_LEN, r.traceId)
    if (r.spanId !== undefined && r.spanId !== "") this.hex(F10_LEN, r.spanId)
    // field 11 last (field order is free on the wire); its halves were noted right after field 1's
    const next = this.next
    this.next = observedAt
    this.fixed64(F11_I64)
    this.next = next
  }

  request(p: ExportLogsRequest): void {
    for (const rl of p.resourceLogs) {
      this.open(F1_LEN)
      this.open(F1_LEN)
      this.attributes(F1_LEN, rl.resource.attributes)
      for (const sl of rl.scopeLogs) {
        this.open(F2_LEN)
        this.open(F1_LEN)
        if (sl.scope.name !== "") this.string(F1_LEN, sl.scope.name)
        if (sl.scope.version !== undefined && sl.scope.version !== "") this.string(F2_LEN, sl.scope.version)
        for (const r of sl.logRecords) {
          this.open(F2_LEN)
          this.logRecord(r)
        }
      }
    }
  }
}

const nibble = (c: number): number =>
  c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : 0

/**
 * An `ExportLogsServiceRequest` in the protobuf wire format (the body of
 * OTLP/HTTP with `Content-Type: application/x-protobuf`).
 *
 * @internal
 */
export const encodeLogsRequest = (request: ExportLogsRequest): Uint8Array => {
  const sizer = new Sizer()
  const total = sizer.request(request)
  const writer = new Writer(new Uint8Array(total), sizer.sizes)
  writer.request(request)
  return writer.buf
}
