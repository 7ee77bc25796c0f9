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
import type * as Arr from "effect/Array"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Equal from "effect/Equal"
import type * as Exit from "effect/Exit"
import type * as FiberId from "effect/FiberId"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import { globalValue } from "effect/GlobalValue"
import * as HashMap from "effect/HashMap"
import * as HashSet from "effect/HashSet"
import * as Option from "effect/Option"
import * as internalFingersCrossed from "./internal/fingersCrossed.js"
import type { LevelInput, LevelName } from "./internal/level.js"
import { aLevel, checkOptions, invalidOption, option } from "./internal/parse.js"
import { redactedMarker } from "./internal/redact.js"
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
    Effect.withFiberRuntime((fiber) => {
      const id = fiber.getFiberRef(currentRequestId)
      return Effect.succeed(id === undefined ? response : HttpServerResponse.setHeader(response, idHeader, id))
    })
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

/** The completion line's fields (headers, when asked for, go on the request's line). */
const doneFields = (status: number, duration_ms: number, headers: Record<string, string> | undefined) =>
  headers === undefined ? { status, duration_ms } : { status, duration_ms, headers }

const cancelledLine = (
  s: Settings,
  reason: string,
  duration_ms: number,
  headers: Record<string, string> | undefined
): Effect.Effect<void> =>
  s.log.warning(
    "Request cancelled",
    headers === undefined ? { duration_ms, reason } : { duration_ms, reason, headers }
  )

/** The line of a request answered with `status` (after a failure: `failure`, logged with the line). */
const statusLine = (
  s: Settings,
  status: number,
  failure: unknown,
  duration_ms: number,
  headers: Record<string, string> | undefined
): Effect.Effect<void> => {
  // The platform answers a client abort with a 499 it never sends.
  if (status === 499) return cancelledLine(s, "client disconnected", duration_ms, headers)
  if (status >= 500) {
    const fields = doneFields(status, duration_ms, headers)
    return failure === undefined
      ? s.log.error("Request failed", fields)
      : s.log.exception("Request failed", failure, fields)
  }
  if (status >= 400) return s.log.warning("Request completed", doneFields(status, duration_ms, headers))
  return success(s, "Request completed", doneFields(status, duration_ms, headers))
}

/** The request's last line, from how it ended: completed, failed or cancelled. */
const completionLine = (
  s: Settings,
  exit: Exit.Exit<HttpServerResponse.HttpServerResponse, unknown>,
  duration_ms: number,
  headers: Record<string, string> | undefined
): Effect.Effect<void> => {
  if (exit._tag === "Success") return statusLine(s, exit.value.status, undefined, duration_ms, headers)
  const cause = exit.cause
  if (Cause.isInterruptedOnly(cause)) {
    return cancelledLine(s, isClientAbort(cause) ? "client disconnected" : "server interrupted", duration_ms, headers)
  }
  const [response, stripped] = HttpServerError.causeResponseStripped(cause)
  return statusLine(s, response.status, stripped._tag === "Some" ? stripped.value : cause, duration_ms, headers)
}

type Locals = Map<FiberRef.FiberRef<any>, Arr.NonEmptyReadonlyArray<readonly [FiberId.Single, any]>>

/**
 * Sets `ref` in `locals` as `FiberRef.set` does (the fiber's own value on top of its stack), without comparing
 * the old value with the new one (for a `HashMap`, the comparison hashes both).
 */
const setOwn = <A>(locals: Locals, id: FiberId.Runtime, ref: FiberRef.FiberRef<A>, value: A): void => {
  const stack = locals.get(ref)
  if (stack === undefined) return void locals.set(ref, [[id, value]])
  const top = stack[0][0]
  locals.set(ref, top === id || Equal.equals(top, id) ? [[id, value], ...stack.slice(1)] : [[id, value], ...stack])
}

/**
 * The request's context, the request-id echo (read by the platform when it sends the response) and the built-in
 * logger's switch (which `HttpMiddleware.logger`, outside us, checks after we return), set in one FiberRefs
 * update (`setOwn`: no comparison of the old values with the new).
 */
const enter = (
  withEcho: (prev: Option.Option<HttpApp.PreResponseHandler>) => Option.Option<HttpApp.PreResponseHandler>,
  context: HashMap.HashMap<string, unknown>,
  requestId: string
): Effect.Effect<void> =>
  Effect.updateFiberRefs((id, refs) => {
    const locals: Locals = new Map(refs.locals)
    const handlers = locals.get(HttpApp.currentPreResponseHandlers)
    setOwn(locals, id, FiberRef.currentLogAnnotations, context)
    setOwn(locals, id, currentRequestId, requestId)
    setOwn(
      locals,
      id,
      HttpApp.currentPreResponseHandlers,
      withEcho(handlers === undefined ? Option.none() : handlers[0][1])
    )
    setOwn(locals, id, HttpMiddleware.loggerDisabled, true)
    return FiberRefs.unsafeMake(locals)
  })

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
      // The request's context and echo are set in one FiberRefs update, and left for the rest of the request's
      // fiber: each update copies the fiber's FiberRefs, and a restore (two more copies, or `FiberRef.set`'s
      // comparison, which hashes the request's context) cost more than the request's line.
      const outer = fiber.getFiberRef(FiberRef.currentLogAnnotations)
      const entered = enter(
        withEcho,
        HashMap.set(HashMap.set(HashMap.set(outer, "method", request.method), "path", path), "request_id", requestId),
        requestId
      )
      if (s.skip !== undefined && s.skip(path)) {
        return Effect.zipRight(entered, scoped(app))
      }
      const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
      const start = clock.unsafeCurrentTimeMillis()
      const headers = headerFields(request.headers)
      const handled = Effect.onExit(
        app,
        (exit) => completionLine(s, exit, clock.unsafeCurrentTimeMillis() - start, headers)
      )
      return Effect.zipRight(
        entered,
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
