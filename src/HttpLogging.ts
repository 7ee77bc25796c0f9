/**
 * Request logging for `@effect/platform` `HttpServer` / `HttpRouter`: every
 * record logged while a request is handled carries its `method`, `path` and
 * `request_id`; one line per request when it completes (`status`,
 * `duration_ms`), as pino-http and `HttpMiddleware.logger` write: INFO for
 * 1xx-3xx, WARN for 4xx, ERROR with the cause for 5xx and defects, WARN
 * "Request cancelled" when the client goes away. A "Request received" line
 * when the request arrives is an option (`received: true`). The request's
 * context stays bound on the request's fiber once the middleware returns, so
 * records written for the request by middleware outside it carry it too.
 *
 * It replaces `HttpMiddleware.logger`: where that logger is around this
 * middleware (`HttpLayerRouter.serve` puts it there by default) it is
 * disabled, so each event is written once.
 *
 * The request's id is echoed in the response (`x-request-id`) whether the
 * middleware serves (`HttpServer.serve(HttpLogging.middleware)`) or wraps an
 * app (`HttpLogging.middleware(router)`, a router's middleware); around an
 * app it is set on the app's response, which spares the request's fiber a
 * FiberRef.
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
import type * as Arr from "effect/Array"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Equal from "effect/Equal"
import type * as FiberId from "effect/FiberId"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import * as HashMap from "effect/HashMap"
import * as HashSet from "effect/HashSet"
import type * as List from "effect/List"
import type * as LogSpan from "effect/LogSpan"
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
 * Where one app's request-id echo goes. Under `HttpServer.serve(HttpLogging.middleware)` the app is the platform's
 * handler, which sends its response itself: the echo must be a pre-response handler, set before the app runs.
 * Around a plain app (`HttpLogging.middleware(router)`, a router's middleware) the platform sends the app's response
 * after we return: the id is set on that response directly, and as a pre-response handler only when the app fails.
 * That is one FiberRef fewer for the request's fiber, and every FiberRef it holds makes each later copy of its
 * FiberRefs (the router's, the scope's) cost more. Each app starts with the handler, and stops using it once the
 * handler runs after the app has returned.
 */
interface Placement {
  viaHandler: boolean
}

/**
 * The echo as a pre-response handler; with `learn`, it ends `placement.viaHandler` when it runs after the app has
 * returned (`learn.returned`, set when the request's line is written).
 */
const echoHandler = (
  idHeader: string,
  requestId: string,
  placement?: Placement,
  learn?: { returned: boolean }
): HttpApp.PreResponseHandler =>
(_request, response) => {
  if (learn?.returned === true) placement!.viaHandler = false
  return Effect.succeed(HttpServerResponse.setHeader(response, idHeader, requestId))
}

/** The pre-response handlers with `echo` after those already set. */
const withEcho = (
  prev: Option.Option<HttpApp.PreResponseHandler> | undefined,
  echo: HttpApp.PreResponseHandler
): Option.Option<HttpApp.PreResponseHandler> => {
  if (prev === undefined || prev._tag === "None") return Option.some(echo)
  const first = prev.value
  return Option.some((request, response) => Effect.flatMap(first(request, response), (r) => echo(request, r)))
}

/**
 * Whether `HttpMiddleware.logger` is around this middleware (as `HttpLayerRouter.serve` places it): it runs its app
 * in a log span labelled `http.span.<n>`.
 */
const underBuiltInLogger = (spans: List.List<LogSpan.LogSpan>): boolean => {
  for (let l = spans; l._tag === "Cons"; l = l.tail) {
    if (l.head.label.startsWith("http.span.")) return true
  }
  return false
}

/** A line at the level the core chose for it (the bound logger's methods are named after the levels). */
const line = (s: Settings, level: LevelName, message: string, fields: Log.LogFields): Effect.Effect<void> =>
  level === "info" ? s.log.info(message, fields) : s.log[level](message, fields)

/** The line of a request answered with `status`: completed, or cancelled for the 499 of a client abort. */
const statusLine = (
  s: Settings,
  status: number,
  duration_ms: number,
  headers: Record<string, string> | undefined
): Effect.Effect<void> => {
  // The platform answers a client abort with a 499 it never sends.
  if (status === httpLogging.clientAbortStatus) return cancelledLine(s, "client disconnected", duration_ms, headers)
  const { level, message } = httpLogging.completionOf(s, status)
  return line(s, level, message, httpLogging.completionFields(status, duration_ms, headers))
}

const cancelledLine = (
  s: Settings,
  reason: string,
  duration_ms: number,
  headers: Record<string, string> | undefined
): Effect.Effect<void> => s.log.warning("Request cancelled", httpLogging.cancelledFields(duration_ms, reason, headers))

/** The line of a request that failed with `cause`: cancelled, failed (5xx, with the cause) or completed. */
const failureLine = (
  s: Settings,
  cause: Cause.Cause<unknown>,
  duration_ms: number,
  headers: Record<string, string> | undefined
): Effect.Effect<void> => {
  if (Cause.isInterruptedOnly(cause)) {
    return cancelledLine(s, isClientAbort(cause) ? "client disconnected" : "server interrupted", duration_ms, headers)
  }
  const answered = (status: number, logged: Cause.Cause<unknown>) =>
    status < 500 ? statusLine(s, status, duration_ms, headers) : s.log.exception(
      "Request failed",
      logged,
      httpLogging.completionFields(status, duration_ms, headers)
    )
  // Under the server's middleware the app has already answered: its cause carries the response as a defect.
  if (Chunk.some(Cause.defects(cause), HttpServerResponse.isServerResponse)) {
    const [response, stripped] = HttpServerError.causeResponseStripped(cause)
    return answered(response.status, stripped._tag === "Some" ? stripped.value : cause)
  }
  // Around a router: the response the server will answer the failure with (a `RouteNotFound`'s 404, ...).
  return Effect.flatMap(HttpServerError.causeResponse(cause), ([response]) => answered(response.status, cause))
}

type Locals = Map<FiberRef.FiberRef<any>, Arr.NonEmptyReadonlyArray<readonly [FiberId.Single, any]>>

/**
 * Sets `ref` in `locals` as `FiberRef.set` does (the fiber's own value on top of its stack), without comparing
 * the old value with the new one (for a `HashMap` or a handler, the comparison hashes both).
 */
const setOwn = <A>(locals: Locals, id: FiberId.Runtime, ref: FiberRef.FiberRef<A>, value: A): void => {
  const stack = locals.get(ref)
  if (stack === undefined) return void locals.set(ref, [[id, value]])
  const top = stack[0][0]
  locals.set(ref, top === id || Equal.equals(top, id) ? [[id, value], ...stack.slice(1)] : [[id, value], ...stack])
}

/**
 * The request's context, its id echo when it goes through a pre-response handler, and the built-in logger's switch
 * when that logger is around us (it checks it after we return), set in one FiberRefs update. With the context
 * alone (the usual case, see {@link Placement}) that is `FiberRef.set`, which copies the fiber's FiberRefs once;
 * `Effect.updateFiberRefs` copies them twice (reading them whole records the runtime flags first), but sets many
 * with `setOwn`.
 */
const enter = (
  context: HashMap.HashMap<string, unknown> | undefined,
  echo: HttpApp.PreResponseHandler | undefined,
  disableBuiltIn: boolean
): Effect.Effect<void> =>
  context !== undefined && echo === undefined && !disableBuiltIn
    ? FiberRef.set(FiberRef.currentLogAnnotations, context)
    : Effect.updateFiberRefs((id, refs) => {
      const locals: Locals = new Map(refs.locals)
      if (context !== undefined) setOwn(locals, id, FiberRef.currentLogAnnotations, context)
      if (echo !== undefined) {
        const handlers = locals.get(HttpApp.currentPreResponseHandlers)
        setOwn(locals, id, HttpApp.currentPreResponseHandlers, withEcho(handlers?.[0][1], echo))
      }
      if (disableBuiltIn) setOwn(locals, id, HttpMiddleware.loggerDisabled, true)
      return FiberRefs.unsafeMake(locals)
    })

/** The middleware of checked options. */
const middlewareOf = (s: Settings): Middleware => {
  const fingers = s.fingers
  const scoped = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    fingers === undefined ? self : internalFingersCrossed.fingersCrossed(self, fingers)
  return <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> => {
    const placement: Placement = { viaHandler: true }
    return Effect.withFiberRuntime((fiber) => {
      const request = Context.unsafeGet(fiber.currentContext, HttpServerRequest.HttpServerRequest)
      const requestId = httpLogging.requestIdOf(s, request.headers[s.idHeader])
      const path = httpLogging.pathOf(request.url)
      // The request's context and echo are set in one FiberRefs update, and left for the rest of the request's
      // fiber: each update copies the fiber's FiberRefs, and a restore (two more copies, or `FiberRef.set`'s
      // comparison, which hashes the request's context) cost more than the request's line.
      const outer = fiber.getFiberRef(FiberRef.currentLogAnnotations)
      const viaHandler = placement.viaHandler
      const learn = viaHandler ? { returned: false } : undefined
      const entered = enter(
        HashMap.set(HashMap.set(HashMap.set(outer, "method", request.method), "path", path), "request_id", requestId),
        viaHandler ? echoHandler(s.idHeader, requestId, placement, learn) : undefined,
        underBuiltInLogger(fiber.getFiberRef(FiberRef.currentLogSpan))
      )
      // Without the handler the id goes on the app's response, and through a handler only when the app fails.
      const answered = viaHandler ? app : Effect.map(app, (r) => HttpServerResponse.setHeader(r, s.idHeader, requestId))
      const echoFailure = () => enter(undefined, echoHandler(s.idHeader, requestId), false)
      if (s.skip !== undefined && s.skip(path)) {
        return Effect.zipRight(entered, scoped(viaHandler ? app : Effect.onError(answered, echoFailure)))
      }
      const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
      const start = clock.unsafeCurrentTimeMillis()
      const headers = httpLogging.headerFieldsOf(s, request.headers)
      const handled = Effect.onExit(answered, (exit) => {
        if (learn !== undefined) learn.returned = true
        const duration_ms = clock.unsafeCurrentTimeMillis() - start
        if (exit._tag === "Success") return statusLine(s, exit.value.status, duration_ms, headers)
        const logged = failureLine(s, exit.cause, duration_ms, headers)
        return viaHandler ? logged : Effect.zipRight(echoFailure(), logged)
      })
      return Effect.zipRight(
        entered,
        scoped(
          s.logReceived
            ? Effect.zipRight(line(s, s.successLevel, "Request received", httpLogging.receivedFields(headers)), handled)
            : handled
        )
      )
    })
  }
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
