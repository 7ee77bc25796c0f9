/**
 * The record of an `Effect.log*` call reaching one of our loggers: the core's `LogRecord`, its message, fields and
 * error read from Effect's arguments by the core's rule (src/core/logMessage.ts, shared with the Effect 4 binding).
 */
import type * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import type * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import { messageParts } from "../core/logMessage.js"
import { type LogRecord, rootBinding } from "../core/record.js"
import type { Renderer } from "../core/render.js"
import { contextOf, spansOf } from "./entry.js"
import { fromEffectLevel } from "./level.js"
import { causeDataOf } from "./render.js"
import { traceIdsOf } from "./traceContext.js"

/**
 * The current span of a record handed to an Effect `Logger`.
 *
 * @internal
 */
export const spanOf = (refs: FiberRefs.FiberRefs): Tracer.AnySpan | undefined =>
  Option.getOrUndefined(Context.getOption(FiberRefs.getOrDefault(refs, FiberRef.currentContext), Tracer.ParentSpan))

/**
 * The cause of a record as the core's data: `undefined` for an empty one.
 *
 * @internal
 */
export const causeOf = (cause: Cause.Cause<unknown>): LogRecord["cause"] =>
  cause._tag === "Empty" ? undefined : causeDataOf(cause)

// Effect hands each logger its own options object for one call, with the same `date`: the record built for one of
// our loggers is reused by the next one when it renders non-string message parts with the same rules.
let lastDate: Date | undefined = undefined
let lastMessage: unknown = undefined
let lastRenderer: Renderer | undefined = undefined
let lastRecord: LogRecord | undefined = undefined
let lastIds = false

const sameRules = (a: Renderer, b: Renderer): boolean => a.redactor === b.redactor && a.limits === b.limits

/**
 * The record of an `Effect.log*` call, built once per call for the loggers that render alike; with `withIds`, the
 * trace and span ids of the fiber's current span.
 *
 * @internal
 */
export const recordOfOptions = (
  options: Logger.Logger.Options<unknown>,
  renderer: Renderer,
  withIds: boolean
): LogRecord => {
  if (
    options.date === lastDate && options.message === lastMessage && lastRecord !== undefined && (lastIds || !withIds) &&
    sameRules(renderer, lastRenderer!)
  ) return lastRecord
  const parts = messageParts(options.message, renderer)
  const ids = withIds ? traceIdsOf(spanOf(options.context)) : undefined
  const record: LogRecord = {
    level: fromEffectLevel(options.logLevel),
    time: options.date.getTime(),
    message: parts.message,
    binding: rootBinding,
    fields: parts.fields,
    error: parts.error,
    context: contextOf(options.annotations),
    spans: spansOf(options.spans),
    cause: causeOf(options.cause),
    traceId: ids?.traceId,
    spanId: ids?.spanId
  }
  lastDate = options.date
  lastMessage = options.message
  lastRenderer = renderer
  lastRecord = record
  lastIds = withIds
  return record
}
