/**
 * Span events: a record inside a span becomes an event of it, redacted like a line. `spanEvent` for `Log.*` records
 * (called when they are delivered), `spanEventLogger` for `Effect.log*` records (installed in place of effect 4's
 * `Logger.tracerLogger` by the logging layers).
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import type * as Fiber from "effect/Fiber"
import * as Logger from "effect/Logger"
import * as References from "effect/References"
import * as Tracer from "effect/Tracer"
import { causeText } from "../../core/cause.js"
import { messageParts } from "../../core/logMessage.js"
import { type LogRecord, rootBinding } from "../../core/record.js"
import { putField } from "../../core/render.js"
import { causeDataOf } from "./cause.js"
import { contextOf } from "./context.js"
import { fromEffectLevel, toEffectLevel } from "./level.js"
import { CurrentRedactor, redactorOf, rendererFor } from "./render.js"
import { mergedFields } from "./view.js"

/**
 * Marks our span-event logger, so the route knows span events are on.
 *
 * @internal
 */
export const SpanEvents: unique symbol = Symbol.for("effect-foundation/effect4/SpanEvents") as never

/** `String(u)`, or a placeholder for a value that throws when turned into a string. */
const textOf = (u: unknown): string => {
  try {
    return String(u)
  } catch {
    return "[Unrenderable message]"
  }
}

/**
 * What effect 4's tracer logger does, with the message as the event name and the record's fields as attributes,
 * redacted exactly like a line (the published redactor). Spans of effect 4's built-in tracer (`NativeSpan`) get no
 * events: they keep them in memory only, where nothing exports or reads them. An ended or external span gets none.
 *
 * @internal
 */
export const spanEvent = (
  origin: { readonly fiber: Fiber.Fiber<unknown, unknown>; readonly context: Context.Context<never> },
  record: LogRecord,
  nanos: bigint | undefined
): void => {
  const span = Context.getOrUndefined(origin.context, Tracer.ParentSpan)
  if (span === undefined || span._tag !== "Span" || span instanceof Tracer.NativeSpan) return
  if (span.status._tag === "Ended") return
  const renderer = rendererFor(redactorOf(Context.get(origin.context, CurrentRedactor)))
  const attributes = renderer.fields(mergedFields(record, false))
  const put = (key: string, value: unknown) => putField(attributes, key, value)
  if (record.binding.name !== undefined) put("logger_name", renderer.string(record.binding.name))
  put("effect.fiberId", origin.fiber.id)
  put("effect.logLevel", toEffectLevel[record.level].toUpperCase())
  if (record.error !== undefined) put("error", renderer.safe(record.error))
  if (record.cause !== undefined) put("effect.cause", causeText(renderer, record.cause))
  const message = typeof record.message === "string" ? record.message : textOf(record.message)
  span.event(
    renderer.string(message),
    nanos ?? BigInt(Math.round(record.time)) * BigInt(1_000_000),
    attributes
  )
}

/**
 * Effect 4's tracer logger (records as events of the current span) for records of `Effect.log*`, redacted like
 * `Log.*` records. Installed in place of `Logger.tracerLogger` by the logging layers.
 *
 * @internal
 */
export const spanEventLogger: Logger.Logger<unknown, void> = Object.assign(
  Logger.make<unknown, void>((options) => {
    const fiber = options.fiber
    const span = fiber.cache.span
    if (span === undefined || span._tag !== "Span" || span instanceof Tracer.NativeSpan) return
    const renderer = rendererFor(redactorOf(fiber.getRef(CurrentRedactor)))
    const parts = messageParts(options.message, renderer)
    const record: LogRecord = {
      level: fromEffectLevel(options.logLevel),
      time: options.date.getTime(),
      message: parts.message,
      binding: rootBinding,
      fields: parts.fields,
      error: parts.error,
      context: contextOf(fiber.getRef(References.CurrentLogAnnotations)),
      spans: [],
      cause: causeDataOf(options.cause),
      traceId: undefined,
      spanId: undefined
    }
    spanEvent({ fiber, context: fiber.context }, record, fiber.getRef(Clock.Clock).currentTimeNanosUnsafe())
  }),
  { [SpanEvents]: true }
)
