/**
 * The Effect 4 binding's request logging: the Effect side of `HttpLogging` over the core's Effect-free half
 * (`src/core/httpLogging.ts`: options, request id, path, headers, the completion line by status). Per request: the
 * request's context bound with `withContext` (effect 4's log annotations, so every logger sees it), the id echoed by a
 * pre-response handler of the request, effect 4's built-in `HttpMiddleware.logger` switched off for it, and one line
 * when it ends, through `logRecord`.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpEffect from "effect/http/HttpEffect"
import * as HttpMiddleware from "effect/http/HttpMiddleware"
import * as HttpServerError from "effect/http/HttpServerError"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as httpLogging from "../../core/httpLogging.js"
import { Binding } from "../../core/record.js"
import type { Middleware, Options } from "../HttpLogging.js"
import { withContext } from "./context.js"
import * as internalFingersCrossed from "./fingersCrossed.js"
import { logException, logRecord } from "./log.js"
import { invalidOption } from "./parse.js"

/** Wraps each request's handling (fingers-crossed, when asked for). */
type Scoped = <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>

/** The checked options, and what the binding made of them. */
interface Settings extends httpLogging.HttpSettings {
  readonly binding: Binding
  readonly scoped: Scoped | undefined
}

/** A client abort is an interruption annotated `ClientAbort` (effect 4 answers it with a 499 it never sends). */
const isClientAbort = (cause: Cause.Cause<unknown>): boolean =>
  cause.reasons.some((r) => r._tag === "Interrupt" && r.annotations.has(HttpServerError.ClientAbort.key))

/** The request's last line, from how it ended: completed, failed or cancelled. */
const completionLine = (
  s: Settings,
  exit: Exit.Exit<HttpServerResponse.HttpServerResponse, unknown>,
  duration_ms: number,
  headers: Record<string, string> | undefined
): Effect.Effect<void> => {
  if (Exit.isSuccess(exit)) return statusLine(s, exit.value.status, duration_ms, headers)
  const cause = exit.cause
  // Under the server's middleware the app has already answered: its cause carries the response as a defect.
  if (cause.reasons.some(isResponse)) {
    const [response, stripped] = HttpServerError.causeResponseStripped(cause)
    return failureLine(s, response.status, stripped._tag === "Some" ? stripped.value : undefined, duration_ms, headers)
  }
  // Under a router's, the response the server will answer the failure with (a `RouteNotFound`'s 404, ...).
  return Effect.flatMap(
    HttpServerError.causeResponse(cause),
    ([response]) => failureLine(s, response.status, cause, duration_ms, headers)
  )
}

const isResponse = (reason: Cause.Reason<unknown>): boolean =>
  reason._tag === "Die" && HttpServerResponse.isHttpServerResponse(reason.defect)

/** The line of a request that failed (`cause`, without the response) and was answered with `status`. */
const failureLine = (
  s: Settings,
  status: number,
  cause: Cause.Cause<unknown> | undefined,
  duration_ms: number,
  headers: Record<string, string> | undefined
): Effect.Effect<void> => {
  if (cause !== undefined && cause.reasons.length > 0 && Cause.hasInterruptsOnly(cause)) {
    const client = status === httpLogging.clientAbortStatus || isClientAbort(cause)
    return cancelled(s, client ? "client disconnected" : "server interrupted", duration_ms, headers)
  }
  if (cause === undefined || status < 500) return statusLine(s, status, duration_ms, headers)
  return logException(s.binding, "Request failed", cause, httpLogging.completionFields(status, duration_ms, headers))
}

const cancelled = (
  s: Settings,
  reason: string,
  duration_ms: number,
  headers: Record<string, string> | undefined
): Effect.Effect<void> =>
  logRecord("warning", s.binding, "Request cancelled", httpLogging.cancelledFields(duration_ms, reason, headers))

/** The line of the status the request was answered with (a client abort's 499 is never sent: "cancelled"). */
const statusLine = (
  s: Settings,
  status: number,
  duration_ms: number,
  headers: Record<string, string> | undefined
): Effect.Effect<void> => {
  if (status === httpLogging.clientAbortStatus) return cancelled(s, "client disconnected", duration_ms, headers)
  const { level, message } = httpLogging.completionOf(s, status)
  return logRecord(level, s.binding, message, httpLogging.completionFields(status, duration_ms, headers))
}

/** The request-id echo: sets the header on the response about to be sent. */
const echo = (header: string, id: string): HttpEffect.PreResponseHandler => (_request, response) =>
  Effect.succeed(HttpServerResponse.setHeader(response, header, id))

/** One request: its context bound, its id echoed, the built-in logger off, its line(s). */
const handle = <E, R>(
  s: Settings,
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
) =>
  Effect.withFiber<HttpServerResponse.HttpServerResponse, E, R | HttpServerRequest.HttpServerRequest>((fiber) => {
    const request = Context.getUnsafe(fiber.context, HttpServerRequest.HttpServerRequest)
    const requestId = httpLogging.requestIdOf(s, request.headers[s.idHeader])
    const path = httpLogging.pathOf(request.url)
    HttpEffect.appendPreResponseHandlerUnsafe(fiber.context, echo(s.idHeader, requestId))
    // in the order the root binding writes them (request_id, path, method), so both lines are the same bytes
    const bound = withContext({ request_id: requestId, path, method: request.method })
    const scoped = s.scoped
    // the built-in `HttpMiddleware.logger` (outside us) reads the request's switch when the request ends
    if (s.skip !== undefined && s.skip(path)) {
      return bound(HttpMiddleware.withLoggerDisabled(scoped === undefined ? app : scoped(app)))
    }
    const clock = fiber.getRef(Clock.Clock)
    const start = clock.currentTimeMillisUnsafe()
    const headers = httpLogging.headerFieldsOf(s, request.headers)
    let handled: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R> = Effect.onExit(
      app,
      (exit) => completionLine(s, exit, clock.currentTimeMillisUnsafe() - start, headers)
    )
    if (s.logReceived) {
      handled = Effect.andThen(
        logRecord(s.successLevel, s.binding, "Request received", httpLogging.receivedFields(headers)),
        handled
      )
    }
    return bound(HttpMiddleware.withLoggerDisabled(scoped === undefined ? handled : scoped(handled)))
  })

/** Each request in a fingers-crossed scope of its own, when the option asks for it. */
const scopedOf = (option: Options["fingersCrossed"]): Scoped | undefined => {
  if (option === undefined || option === false) return undefined
  const limits = internalFingersCrossed.resolve(option === true ? undefined : option, "HttpLogging", "fingersCrossed.")
  return (self) => internalFingersCrossed.fingersCrossed(self, limits)
}

/**
 * The middleware of the options; throws `IllegalArgumentError` for a bad one, naming it.
 *
 * @internal
 */
export const middlewareOf = (options: Options): Middleware => {
  const settings = httpLogging.httpSettings(options, invalidOption)
  const scoped = scopedOf(options.fingersCrossed)
  const s: Settings = { ...settings, binding: new Binding(settings.loggerName, undefined), scoped }
  return (app) => handle(s, app)
}

/**
 * The middleware of options that were rejected: every request it handles dies with the error (never throws).
 *
 * @internal
 */
export const rejected = (error: unknown): Middleware => (_app) => Effect.die(error)
