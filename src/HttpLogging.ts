/**
 * Request logging for `@effect/platform` `HttpServer` / `HttpRouter`: every
 * record logged while a request is handled carries its `method`, `path` and
 * `request_id`; one line per request when it completes (`status`,
 * `duration_ms`), as pino-http and `HttpMiddleware.logger` write: INFO for
 * 1xx-3xx, WARN for 4xx, ERROR with the cause for 5xx and defects, WARN
 * "Request cancelled" when the client goes away. A "Request received" line
 * when the request arrives is an option (`received: true`).
 *
 * It replaces `HttpMiddleware.logger` (which `HttpLayerRouter.serve` adds by
 * default): inside this middleware the built-in logger is disabled, so each
 * event is written once.
 *
 * @example
 * ```ts
 * import { HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
 * import { HttpLogging } from "effect-foundation"
 * const app = HttpRouter.empty.pipe(HttpRouter.get("/", HttpServerResponse.text("ok")))
 * const served = app.pipe(HttpServer.serve(HttpLogging.middleware))
 * ```
 *
 * @since 0.1.0
 */
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import { globalValue } from "effect/GlobalValue"
import * as HashMap from "effect/HashMap"
import * as HashSet from "effect/HashSet"
import * as Option from "effect/Option"
import * as httpLogging from "./core/httpLogging.js"
import type { LevelInput, LevelName } from "./core/level.js"
import * as internalFingersCrossed from "./internal/fingersCrossed.js"
import { checkOptions, invalidOption } from "./internal/parse.js"
import * as Log from "./Log.js"

/**
 * The middleware's type: an `HttpMiddleware` that keeps the app's error and
 * requirement types (as `HttpMiddleware.logger` does).
 *
 * @since 0.1.0
 * @category models
 */
export interface Middleware {
  <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R>
}

/**
 * Middleware options. Every field has a default.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Level of "Request completed" for 1xx-3xx (and of "Request received"). Default: `"info"`. */
  readonly successLevel?: LevelInput
  /**
   * Also write "Request received" when a request arrives (two lines per
   * request instead of one). Default: `false`.
   */
  readonly received?: boolean
  /**
   * Request headers to log (case-insensitive), as the `headers` field of the
   * request's line(s). `authorization`, `proxy-authorization`, `cookie` and
   * `set-cookie` are always written as `[REDACTED]`. Default: none.
   */
  readonly headers?: ReadonlyArray<string>
  /**
   * Paths handled without any request line (health checks): an exact path
   * (`"/health"`), a `RegExp` tested against the path, or a predicate. The
   * request id is still bound and echoed. Default: none.
   */
  readonly skipPaths?: ReadonlyArray<string | RegExp> | ((path: string) => boolean)
  /** Request-id header, read and echoed. Default: `"x-request-id"`. */
  readonly requestIdHeader?: string
  /** Makes an id when the request has none (or an unusable one). Default: `crypto.randomUUID()`. */
  readonly generateId?: () => string
  /** Logger name of the middleware's own lines. Default: `"http"`. */
  readonly loggerName?: string
  /**
   * Handles each request in a `Log.fingersCrossed` scope of its own (`true`:
   * the defaults; or its options): the request's `Log.*` records below the
   * level are kept, and written before its "Request failed" line when it
   * answers 5xx or fails; a request that succeeds writes none of them.
   * Default: off.
   */
  readonly fingersCrossed?: boolean | Log.FingersCrossedOptions | undefined
}

/** The id of the request being handled, for the echo (set with the request's context, never read elsewhere). */
const currentRequestId: FiberRef.FiberRef<string | undefined> = globalValue(
  Symbol.for("effect-foundation/HttpLogging/currentRequestId"),
  () => FiberRef.unsafeMake<string | undefined>(undefined)
)

const isClientAbort = (cause: Cause.Cause<unknown>): boolean =>
  HashSet.has(Cause.interruptors(cause), HttpServerError.clientAbortFiberId)

/** The options, checked and with their defaults: the core's, and this binding's logger and fingers-crossed. */
interface Settings extends httpLogging.HttpSettings {
  readonly log: Log.BoundLogger
  readonly fingers: internalFingersCrossed.Resolved | undefined
}

/** Checks the options; throws `IllegalArgumentException` in the one wording, naming the option. */
const settingsOf = (options: Options): Settings => {
  const settings = httpLogging.httpSettings(options, invalidOption)
  const fingers = options.fingersCrossed === undefined || options.fingersCrossed === false
    ? undefined
    : internalFingersCrossed.resolve(
      options.fingersCrossed === true ? undefined : options.fingersCrossed,
      "HttpLogging",
      "fingersCrossed."
    )
  return { ...settings, log: Log.named(settings.loggerName), fingers }
}

/**
 * The request-id echo: a pre-response handler made once (a new function per
 * request costs a random hash in a WeakMap when the FiberRef compares values),
 * reading the request's id from `currentRequestId`, which the middleware sets
 * with the request's context; and how it joins the handlers already set.
 */
const echoHandlers = (
  idHeader: string
): (prev: Option.Option<HttpApp.PreResponseHandler>) => Option.Option<HttpApp.PreResponseHandler> => {
  const echo: HttpApp.PreResponseHandler = (_request, response) =>
    Effect.map(
      FiberRef.get(currentRequestId),
      (id) => id === undefined ? response : HttpServerResponse.setHeader(response, idHeader, id)
    )
  const echoOnly = Option.some(echo)
  const composed = new WeakMap<HttpApp.PreResponseHandler, Option.Option<HttpApp.PreResponseHandler>>()
  return (prev) => {
    if (prev._tag === "None") return echoOnly
    if (prev.value === echo) return prev
    let handlers = composed.get(prev.value)
    if (handlers === undefined) {
      const first = prev.value
      handlers = Option.some((request, response) => Effect.flatMap(first(request, response), (r) => echo(request, r)))
      composed.set(first, handlers)
    }
    return handlers
  }
}

/** A line at the level the core chose for it (the bound logger's methods are named after the levels). */
const line = (s: Settings, level: LevelName, message: string, fields: Log.LogFields): Effect.Effect<void> =>
  level === "info" ? s.log.info(message, fields) : s.log[level](message, fields)

/** The request's last line, from how it ended: completed, failed or cancelled. */
const completionLine = (
  s: Settings,
  exit: Exit.Exit<HttpServerResponse.HttpServerResponse, unknown>,
  duration_ms: number,
  headers: Record<string, string> | undefined
): Effect.Effect<void> => {
  const cancelled = (reason: string) =>
    s.log.warning("Request cancelled", httpLogging.cancelledFields(duration_ms, reason, headers))
  const done = (status: number) => {
    const { level, message } = httpLogging.completionOf(s, status)
    return line(s, level, message, httpLogging.completionFields(status, duration_ms, headers))
  }
  // The platform answers a client abort with a 499 it never sends.
  if (Exit.isSuccess(exit)) {
    const status = exit.value.status
    return status === httpLogging.clientAbortStatus ? cancelled("client disconnected") : done(status)
  }
  const cause = exit.cause
  if (Cause.isInterruptedOnly(cause)) {
    return cancelled(isClientAbort(cause) ? "client disconnected" : "server interrupted")
  }
  const [response, stripped] = HttpServerError.causeResponseStripped(cause)
  const status = response.status
  if (status === httpLogging.clientAbortStatus) return cancelled("client disconnected")
  if (status >= 500) {
    const fields = httpLogging.completionFields(status, duration_ms, headers)
    return s.log.exception("Request failed", stripped._tag === "Some" ? stripped.value : cause, fields)
  }
  return done(status)
}

/** The middleware of checked options. */
const middlewareOf = (s: Settings): Middleware => {
  const withEcho = echoHandlers(s.idHeader)
  const fingers = s.fingers
  const scoped = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    fingers === undefined ? self : internalFingersCrossed.fingersCrossed(self, fingers)
  return <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
    Effect.withFiberRuntime((fiber) => {
      const request = Context.unsafeGet(fiber.currentContext, HttpServerRequest.HttpServerRequest)
      const requestId = httpLogging.requestIdOf(s, request.headers[s.idHeader])
      const path = httpLogging.pathOf(request.url)
      const method = request.method
      // The request's context, the request-id echo and the built-in logger's switch, set in one FiberRefs
      // update (each update copies the fiber's FiberRefs; `Effect.locally` makes two, with an
      // acquire/release around them); the context is restored by the one `onExit` below.
      const outer = fiber.getFiberRef(FiberRef.currentLogAnnotations)
      const context = HashMap.set(
        HashMap.set(HashMap.set(outer, "method", method), "path", path),
        "request_id",
        requestId
      )
      const restore = FiberRef.set(FiberRef.currentLogAnnotations, outer)
      const enter = Effect.updateFiberRefs((id, refs) =>
        FiberRefs.updateManyAs(refs, {
          entries: [
            [FiberRef.currentLogAnnotations, [[id, context]]],
            [currentRequestId, [[id, requestId]]],
            [HttpApp.currentPreResponseHandlers, [[
              id,
              withEcho(fiber.getFiberRef(HttpApp.currentPreResponseHandlers))
            ]]],
            // the built-in `HttpMiddleware.logger` (outside us) checks this after we return
            [HttpMiddleware.loggerDisabled, [[id, true]]]
          ]
        })
      )
      if (s.skip !== undefined && s.skip(path)) return Effect.zipRight(enter, Effect.ensuring(scoped(app), restore))
      const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
      const start = clock.unsafeCurrentTimeMillis()
      const headers = httpLogging.headerFieldsOf(s, request.headers)
      const handled = Effect.onExit(
        app,
        (exit) => Effect.zipRight(completionLine(s, exit, clock.unsafeCurrentTimeMillis() - start, headers), restore)
      )
      return Effect.zipRight(
        enter,
        scoped(
          s.logReceived
            ? Effect.zipRight(line(s, s.successLevel, "Request received", httpLogging.receivedFields(headers)), handled)
            : handled
        )
      )
    })
}

/**
 * A configured middleware. The options are checked once, when `make` is
 * called; it never throws: with an option that is not valid (`successLevel`
 * not a level, an invalid `fingersCrossed` option) every request handled by
 * the middleware dies with an `IllegalArgumentException` naming the option
 * (`HttpLogging option successLevel: invalid value "LOUD"; accepted: ...`),
 * which the server answers with a 500.
 *
 * @example
 * ```ts
 * import { HttpLogging } from "effect-foundation"
 * const logging = HttpLogging.make({ headers: ["user-agent"], skipPaths: ["/health"], successLevel: "debug" })
 * const verbose = HttpLogging.make({ received: true }) // "Request received" too
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Middleware => {
  const checked = checkOptions(() => settingsOf(options))
  if (Either.isRight(checked)) return middlewareOf(checked.right)
  const error = checked.left
  return <E, R>(_app: HttpApp.Default<E, R>): HttpApp.Default<E, R> => Effect.die(error)
}

/**
 * The middleware with default options: `HttpServer.serve(HttpLogging.middleware)`.
 *
 * @since 0.1.0
 * @category middleware
 */
export const middleware: Middleware = make()
