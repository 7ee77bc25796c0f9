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
import type { LevelInput, LevelName } from "./core/level.js"
import { redactedMarker } from "./core/redact.js"
import * as internalFingersCrossed from "./internal/fingersCrossed.js"
import { aLevel, checkOptions, invalidOption, option } from "./internal/parse.js"
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

const alwaysRedacted = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie"])

// An incoming id is echoed and logged: printable ASCII, no spaces, bounded.
const usableId = /^[\x21-\x7e]{1,128}$/

const defaultGenerateId = (): string => globalThis.crypto.randomUUID()

const pathOf = (url: string): string => {
  const q = url.indexOf("?")
  const h = url.indexOf("#")
  const end = q === -1 ? (h === -1 ? url.length : h) : h === -1 ? q : Math.min(q, h)
  return end === url.length ? url : url.slice(0, end)
}

const skipper = (skip: Options["skipPaths"]): ((path: string) => boolean) | undefined => {
  if (skip === undefined) return undefined
  if (typeof skip === "function") return skip
  if (skip.length === 0) return undefined
  const exact = new Set<string>()
  const patterns: Array<RegExp> = []
  for (const s of skip) {
    if (typeof s === "string") exact.add(s)
    else patterns.push(s)
  }
  return (path) => {
    if (exact.has(path)) return true
    for (const p of patterns) {
      p.lastIndex = 0
      if (p.test(path)) return true
    }
    return false
  }
}

const isClientAbort = (cause: Cause.Cause<unknown>): boolean =>
  HashSet.has(Cause.interruptors(cause), HttpServerError.clientAbortFiberId)

/** The options, checked and with their defaults. */
interface Settings {
  readonly successLevel: LevelName
  readonly logReceived: boolean
  readonly headerNames: ReadonlyArray<string>
  readonly idHeader: string
  readonly generateId: () => string
  readonly skip: ((path: string) => boolean) | undefined
  readonly log: Log.BoundLogger
  readonly fingers: internalFingersCrossed.Resolved | undefined
}

/** Checks the options; throws `IllegalArgumentException` in the one wording, naming the option. */
const settingsOf = (options: Options): Settings => {
  if (typeof options !== "object" || options === null) {
    throw invalidOption("", "HttpLogging options", options, "an options object")
  }
  const successLevel = option("HttpLogging", "successLevel", options.successLevel ?? "info", aLevel)
  const fingers = options.fingersCrossed === undefined || options.fingersCrossed === false
    ? undefined
    : internalFingersCrossed.resolve(
      options.fingersCrossed === true ? undefined : options.fingersCrossed,
      "HttpLogging",
      "fingersCrossed."
    )
  return {
    successLevel,
    logReceived: options.received === true,
    headerNames: (options.headers ?? []).map((h) => h.toLowerCase()),
    idHeader: (options.requestIdHeader ?? "x-request-id").toLowerCase(),
    generateId: options.generateId ?? defaultGenerateId,
    skip: skipper(options.skipPaths),
    log: Log.named(options.loggerName ?? "http"),
    fingers
  }
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

/** The logged request headers (the always-redacted ones as `[REDACTED]`); `undefined` when none are asked for. */
const headerFieldsOf = (headerNames: ReadonlyArray<string>) =>
(
  headers: Readonly<Record<string, string | undefined>>
): Record<string, string> | undefined => {
  if (headerNames.length === 0) return undefined
  const out: Record<string, string> = {}
  for (const name of headerNames) {
    const value = headers[name]
    if (value === undefined) continue
    out[name] = alwaysRedacted.has(name) ? redactedMarker : value
  }
  return out
}

const success = (s: Settings, message: string, fields: Log.LogFields): Effect.Effect<void> =>
  s.successLevel === "info" ? s.log.info(message, fields) : s.log[s.successLevel](message, fields)

/** The request's last line, from how it ended: completed, failed or cancelled. */
const completionLine = (
  s: Settings,
  exit: Exit.Exit<HttpServerResponse.HttpServerResponse, unknown>,
  duration_ms: number,
  headers: Record<string, string> | undefined
): Effect.Effect<void> => {
  // the completion line's fields (headers, when asked for, go on the request's line)
  const done = (status: number) => headers === undefined ? { status, duration_ms } : { status, duration_ms, headers }
  const cancelled = (reason: string) =>
    s.log.warning(
      "Request cancelled",
      headers === undefined ? { duration_ms, reason } : { duration_ms, reason, headers }
    )
  if (Exit.isSuccess(exit)) {
    const status = exit.value.status
    // The platform answers a client abort with a 499 it never sends.
    if (status === 499) return cancelled("client disconnected")
    if (status >= 500) return s.log.error("Request failed", done(status))
    if (status >= 400) return s.log.warning("Request completed", done(status))
    return success(s, "Request completed", done(status))
  }
  const cause = exit.cause
  if (Cause.isInterruptedOnly(cause)) {
    return cancelled(isClientAbort(cause) ? "client disconnected" : "server interrupted")
  }
  const [response, stripped] = HttpServerError.causeResponseStripped(cause)
  const status = response.status
  if (status === 499) return cancelled("client disconnected")
  if (status >= 500) {
    return s.log.exception("Request failed", stripped._tag === "Some" ? stripped.value : cause, done(status))
  }
  return status >= 400
    ? s.log.warning("Request completed", done(status))
    : success(s, "Request completed", done(status))
}

/** The middleware of checked options. */
const middlewareOf = (s: Settings): Middleware => {
  const withEcho = echoHandlers(s.idHeader)
  const headerFields = headerFieldsOf(s.headerNames)
  const fingers = s.fingers
  const scoped = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    fingers === undefined ? self : internalFingersCrossed.fingersCrossed(self, fingers)
  return <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
    Effect.withFiberRuntime((fiber) => {
      const request = Context.unsafeGet(fiber.currentContext, HttpServerRequest.HttpServerRequest)
      const incoming = request.headers[s.idHeader]
      const requestId = incoming !== undefined && usableId.test(incoming) ? incoming : s.generateId()
      const path = pathOf(request.url)
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
      const headers = headerFields(request.headers)
      const handled = Effect.onExit(
        app,
        (exit) => Effect.zipRight(completionLine(s, exit, clock.unsafeCurrentTimeMillis() - start, headers), restore)
      )
      return Effect.zipRight(
        enter,
        scoped(
          s.logReceived
            ? Effect.zipRight(success(s, "Request received", headers === undefined ? {} : { headers }), handled)
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
