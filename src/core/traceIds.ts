/**
 * The trace and span ids a record may carry, in lines (`trace_id`, `span_id`) and in OTLP (`traceId`, `spanId`),
 * decided once here so both always agree, for both Effect lines.
 *
 * A propagator hands over whatever the request said (`b3: garbage-x-1`, a 64-bit B3 id, upper-case hex), and a
 * collector rejects a whole batch for one invalid id. So a trace id is used only when it is 32 lower-case hex
 * digits, not all zero; a 64-bit one (16 digits) is left-padded with zeros to 128 bits (the W3C Trace Context / B3
 * interop rule). A span id is used only when it is 16 lower-case hex digits, not all zero, and only with a valid
 * trace id. Anything else is left out.
 */

const HEX32 = /^[0-9a-f]{32}$/
const HEX16 = /^[0-9a-f]{16}$/
const ZERO16 = "0000000000000000"

/** A W3C trace id from `id`, or `undefined`. @internal */
export const validTraceId = (id: unknown): string | undefined => {
  if (typeof id !== "string") return undefined
  if (id.length === 32) return HEX32.test(id) && id !== ZERO16 + ZERO16 ? id : undefined
  if (id.length === 16) return HEX16.test(id) && id !== ZERO16 ? ZERO16 + id : undefined
  return undefined
}

/** A W3C span id from `id`, or `undefined`. @internal */
export const validSpanId = (id: unknown): string | undefined =>
  typeof id === "string" && id.length === 16 && HEX16.test(id) && id !== ZERO16 ? id : undefined
