/**
 * Span events: a record inside a span becomes an event of it, redacted like a
 * line. `spanEvent` for `Log.*` records (called by `emit`), `spanEventLogger`
 * for `Effect.log*` records (installed in place of Effect's tracer logger).
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import { causeText } from "../core/cause.js"
import { type LogRecord, rootBinding } from "../core/record.js"
import type { Redactor } from "../core/redact.js"
import { putField } from "../core/render.js"
import { contextOf, mergedFields, noSpans, textOf } from "./entry.js"
import { fromEffectLevel, toEffectLevel } from "./level.js"
import { causeOf } from "./logMessage.js"
import { currentRedactor, redactorOf, rendererFor } from "./redactorRef.js"

// The class of the spans of Effect's built-in tracer, from a probe span made once.
const NativeSpan: unknown = Context.get(DefaultServices.liveServices, Tracer.Tracer)
  .span("effect-foundation/probe", Option.none(), Context.empty(), [], BigInt(0), "internal").constructor

/**
 * What Effect's tracer logger does, with the message as the event name and
 * the record's fields as attributes, redacted exactly like a line (the
 * published redactor: sensitive keys at any depth, removed keys left out,
 * secrets in the name and in string values).
 *
 * Spans of Effect's built-in tracer get no events: they keep them in memory
 * only, where nothing exports or reads them, and a span around a whole
 * program would hold every record logged in it. Building a redacted event
 * tripled the cost of a line inside `Effect.withSpan` or `Effect.fn`.
 *
 * @internal
 */
export const spanEvent = (
  span: Tracer.Span,
  record: LogRecord,
  services: Context.Context<never>,
  published: Redactor | undefined,
  nanos?: bigint
): void => {
  if (span.constructor === NativeSpan) return
  const renderer = rendererFor(redactorOf(published))
  const attributes = renderer.fields(mergedFields(record))
  const put = (key: string, value: unknown) => putField(attributes, key, value)
  if (record.binding.name !== undefined) put("logger_name", renderer.string(record.binding.name))
  put("effect.logLevel", toEffectLevel[record.level].label)
  if (record.error !== undefined) put("error", renderer.safe(record.error))
  if (record.cause !== undefined) put("effect.cause", causeText(renderer, record.cause))
  const message = typeof record.message === "string" ? record.message : textOf(record.message)
  span.event(
    renderer.string(message),
    nanos ?? Context.get(services as Context.Context<Clock.Clock>, Clock.Clock).unsafeCurrentTimeNanos(),
    attributes
  )
}

const messageOf = (message: unknown): string =>
  typeof message === "string"
    ? message
    : Array.isArray(message)
    ? message.map(messageOf).join(" ")
    : textOf(message)

/**
 * Effect's tracer logger (records as events of the current span) for records
 * from `Effect.log*`, redacted like `Log.*` records. Installed in place of
 * `Logger.tracerLogger` by the logging layers.
 *
 * @internal
 */
export const spanEventLogger: Logger.Logger<unknown, void> = Logger.make((options) => {
  const span = Context.getOption(FiberRefs.getOrDefault(options.context, FiberRef.currentContext), Tracer.ParentSpan)
  if (Option.isNone(span) || span.value._tag !== "Span") return
  const message = Array.isArray(options.message) && options.message.length === 1 ? options.message[0] : options.message
  const record: LogRecord = {
    level: fromEffectLevel(options.logLevel),
    time: options.date.getTime(),
    message: messageOf(message),
    binding: rootBinding,
    fields: undefined,
    error: undefined,
    context: contextOf(options.annotations),
    spans: noSpans,
    cause: causeOf(options.cause),
    traceId: undefined,
    spanId: undefined
  }
  spanEvent(
    span.value,
    record,
    FiberRefs.getOrDefault(options.context, DefaultServices.currentServices),
    FiberRefs.getOrDefault(options.context, currentRedactor)
  )
})
