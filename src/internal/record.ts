/**
 * The message object that `Log.*` hands to Effect's logging machinery.
 *
 * `Log.info("msg", fields)` does not call `Effect.annotateLogs` (a FiberRef
 * update per call); it logs one `Entry` that carries the message, the call's
 * fields and the bound logger it came from. The logger recognises it and reads
 * the binding's precomputed fragments. Any other logger sees a value whose
 * `toString` / `toJSON` still show the message and fields.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import type * as HashMap from "effect/HashMap"
import * as HashSet from "effect/HashSet"
import type * as List from "effect/List"
import * as Logger from "effect/Logger"
import type * as LogSpan from "effect/LogSpan"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import type { LevelName } from "./level.js"
import { fromEffectLevel, toEffectLevel } from "./level.js"
import type { Redactor } from "./redact.js"
import { currentRedactor, redactFields, redactorOf, rendererFor } from "./redactorRef.js"
import { putField, safeFields } from "./render.js"

export type Fields = Readonly<Record<string, unknown>>

/**
 * A binding: optional logger name and fields, fixed when the bound logger is
 * made. Each formatter prepares it once (rendered fields, emoji, level
 * threshold) and keeps that in its own cache, keyed by the binding.
 */
export class Binding {
  constructor(
    readonly name: string | undefined,
    readonly fields: Fields | undefined
  ) {}
}

export class Entry {
  constructor(
    readonly binding: Binding,
    readonly message: string,
    readonly fields: Fields | undefined,
    readonly error: unknown = undefined
  ) {}
  toJSON(): unknown {
    return {
      message: this.message,
      ...(this.binding.name === undefined ? {} : { logger_name: this.binding.name }),
      ...this.binding.fields,
      ...this.fields
    }
  }
  toString(): string {
    return this.message
  }
}

export const rootBinding = new Binding(undefined, undefined)

export const isEntry = (u: unknown): u is Entry => u instanceof Entry

/**
 * A logger that can take records straight from `Log.*`: the formatter's
 * direct path, which skips building `Logger.Options` (Effect's `fiber.log`
 * snapshots every FiberRef per record, the largest cost of a log call).
 */
export const DirectPath: unique symbol = Symbol.for("effect-foundation/DirectPath") as never

export type Direct = (
  level: LevelName,
  ordinal: number,
  millis: number,
  entry: Entry,
  annotations: HashMap.HashMap<string, unknown>,
  spans: List.List<LogSpan.LogSpan>,
  cause: Cause.Cause<unknown>,
  span: Tracer.AnySpan | undefined
) => Effect.Effect<void> | undefined

interface Route {
  readonly direct: ReadonlyArray<Direct>
  readonly others: ReadonlyArray<Logger.Logger<unknown, unknown>>
  /** Effect's tracer logger is installed: records become events of the current span. */
  readonly tracer: boolean
}

// The loggers set is an immutable HashSet: route it once per set, not once per record.
const routes = new WeakMap<object, Route>()
const route = (loggers: HashSet.HashSet<Logger.Logger<unknown, any>>): Route => {
  let r = routes.get(loggers)
  if (r === undefined) {
    const direct: Array<Direct> = []
    const others: Array<Logger.Logger<unknown, unknown>> = []
    for (const logger of loggers) {
      const d = (logger as { [DirectPath]?: Direct })[DirectPath]
      if (d !== undefined) direct.push(d)
      else if (logger !== Logger.tracerLogger && logger !== spanEventLogger) others.push(logger)
    }
    r = { direct, others, tracer: HashSet.has(loggers, Logger.tracerLogger) || HashSet.has(loggers, spanEventLogger) }
    routes.set(loggers, r)
  }
  return r
}

const emit = (
  level: LevelName,
  binding: Binding,
  message: string,
  fields: Fields | undefined,
  error: unknown,
  cause: Cause.Cause<unknown>
): Effect.Effect<void> =>
  Effect.withFiberRuntime((fiber) => {
    const logLevel = toEffectLevel[level]
    // Below the minimum level: nothing is allocated or formatted.
    if (fiber.getFiberRef(FiberRef.currentMinimumLogLevel).ordinal > logLevel.ordinal) return Effect.void
    const entry = new Entry(binding, message, fields, error)
    const r = route(fiber.getFiberRef(FiberRef.currentLoggers))
    const millis = Context.get(fiber.currentDefaultServices, Clock.Clock).unsafeCurrentTimeMillis()
    const annotations = fiber.getFiberRef(FiberRef.currentLogAnnotations)
    const spans = fiber.getFiberRef(FiberRef.currentLogSpan)
    const span = fiber.currentSpan
    // a logger whose sink is full (overflow "block") answers with an effect that waits for room
    let wait: Effect.Effect<void> | undefined
    for (let i = 0; i < r.direct.length; i++) {
      wait = r.direct[i]!(level, logLevel.ordinal, millis, entry, annotations, spans, cause, span) ?? wait
    }
    if (r.tracer && span !== undefined && span._tag === "Span") {
      spanEvent(span, level, entry, entry.message, annotations, cause, fiber.currentDefaultServices, fiber.getFiberRef(currentRedactor))
    }
    if (r.others.length > 0) {
      const options: Logger.Logger.Options<unknown> = {
        fiberId: fiber.id(),
        logLevel,
        message: entry,
        cause,
        context: fiber.getFiberRefs(),
        spans,
        annotations,
        date: new Date(millis)
      }
      for (const logger of r.others) logger.log(options)
    }
    return wait ?? Effect.void
  })

/**
 * A record's fields as one object: context annotations, then bound fields,
 * then call fields (later sources win). Call fields are read through guards.
 */
export const mergedFields = (
  annotations: HashMap.HashMap<string, unknown>,
  entry: Entry | undefined
): Record<string, unknown> => {
  const fields: Record<string, unknown> = {}
  for (const [key, value] of annotations) putField(fields, key, value)
  const bound = entry?.binding.fields
  if (bound !== undefined) for (const key of Object.keys(bound)) putField(fields, key, bound[key])
  if (entry?.fields !== undefined) {
    const call = safeFields(entry.fields)
    for (const key of Object.keys(call)) putField(fields, key, call[key])
  }
  return fields
}

/**
 * What Effect's tracer logger does, with the message as the event name and
 * the record's fields as attributes, redacted exactly like a line (the
 * published redactor: sensitive keys at any depth, secrets in the name and in
 * string values).
 */
const spanEvent = (
  span: Tracer.Span,
  level: LevelName,
  entry: Entry | undefined,
  message: string,
  annotations: HashMap.HashMap<string, unknown>,
  cause: Cause.Cause<unknown>,
  services: Context.Context<never>,
  published: Redactor | undefined
): void => {
  const renderer = rendererFor(redactorOf(published))
  const attributes = redactFields(renderer, mergedFields(annotations, entry))
  const put = (key: string, value: unknown) => putField(attributes, key, value)
  if (entry?.binding.name !== undefined) put("logger_name", entry.binding.name)
  put("effect.logLevel", toEffectLevel[level].label)
  if (entry?.error !== undefined) put("error", renderer.safe(entry.error))
  if (cause._tag !== "Empty") put("effect.cause", renderer.causeText(cause))
  span.event(renderer.string(message), Context.get(services as Context.Context<Clock.Clock>, Clock.Clock).unsafeCurrentTimeNanos(), attributes)
}

const messageOf = (message: unknown): string => {
  if (typeof message === "string") return message
  if (message instanceof Entry) return message.message
  if (Array.isArray(message)) return message.map(messageOf).join(" ")
  try {
    return String(message)
  } catch {
    return "[Unrenderable message]"
  }
}

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
  const entry = message instanceof Entry ? message : undefined
  spanEvent(
    span.value,
    fromEffectLevel(options.logLevel),
    entry,
    messageOf(message),
    options.annotations,
    options.cause,
    FiberRefs.getOrDefault(options.context, DefaultServices.currentServices),
    FiberRefs.getOrDefault(options.context, currentRedactor)
  )
})

/** One log call: no annotateLogs, one `Entry`, straight to the installed loggers. */
export const logEntry = (
  level: LevelName,
  binding: Binding,
  message: string,
  fields: Fields | undefined
): Effect.Effect<void> => emit(level, binding, message, fields, undefined, Cause.empty)

/** A `Cause` is logged as the record's cause; anything else becomes the entry's `error`. */
export const logException = (
  binding: Binding,
  message: string,
  errorOrCause: unknown,
  fields: Fields | undefined
): Effect.Effect<void> =>
  Cause.isCause(errorOrCause)
    ? emit("error", binding, message, fields, undefined, errorOrCause)
    : emit("error", binding, message, fields, errorOrCause, Cause.empty)
