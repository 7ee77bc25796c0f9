/**
 * Request logging for effect 4's `effect/http` server and router: every record logged while a request is handled
 * carries its `method`, `path` and `request_id` (effect 4's log annotations, so every logger sees them); one line per
 * request when it completes (`status`, `duration_ms`), as pino-http and `HttpMiddleware.logger` write: INFO for
 * 1xx-3xx, WARN for 4xx, ERROR with the cause for 5xx and defects, WARN "Request cancelled" when the client goes
 * away. A "Request received" line when the request arrives is an option (`received: true`). The request id (the
 * incoming `x-request-id` when usable, else a new one) is echoed on the response.
 *
 * It replaces `HttpMiddleware.logger` (which `HttpRouter.serve` and `HttpRouter.toWebHandler` add unless
 * `disableLogger: true`): for the requests it handles the built-in logger is switched off, so each event is written
 * once.
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { HttpRouter, HttpServerResponse } from "effect/http"
 * import { HttpLogging } from "effect-foundation/effect4"
 * const Routes = HttpRouter.add("GET", "/", HttpServerResponse.text("ok"))
 * // as the server's middleware
 * const served = HttpRouter.serve(Routes, { middleware: HttpLogging.middleware })
 * // or as a global router middleware
 * const app = HttpRouter.toWebHandler(Layer.mergeAll(Routes, HttpLogging.layer()))
 * ```
 *
 * @since 0.2.0
 */
import type * as Effect from "effect/Effect"
import * as HttpRouter from "effect/http/HttpRouter"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import type * as HttpServerResponse from "effect/http/HttpServerResponse"
import type * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import type { LevelInput } from "../core/level.js"
import * as internal from "./internal/httpLogging.js"
import { checkOptions } from "./internal/parse.js"
import type * as Log from "./Log.js"

/**
 * The middleware's type: an `HttpMiddleware` that keeps the app's error and requirement types (as
 * `HttpMiddleware.logger` does).
 *
 * @since 0.2.0
 * @category models
 */
export interface Middleware {
  <E, R>(
    app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
  ): Effect.Effect<HttpServerResponse.HttpServerResponse, E, R | HttpServerRequest.HttpServerRequest>
}

/**
 * Middleware options. Every field has a default.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** Level of "Request completed" for 1xx-3xx (and of "Request received"). Default: `"info"`. */
  readonly successLevel?: LevelInput
  /**
   * Also write "Request received" when a request arrives (two lines per request instead of one). Default: `false`.
   */
  readonly received?: boolean
  /**
   * Request headers to log (case-insensitive), as the `headers` field of the request's line(s). `authorization`,
   * `proxy-authorization`, `cookie` and `set-cookie` are always written as `[REDACTED]`. Default: none.
   */
  readonly headers?: ReadonlyArray<string>
  /**
   * Paths handled without any request line (health checks): an exact path (`"/health"`), a `RegExp` tested against
   * the path, or a predicate. The request id is still bound and echoed. Default: none.
   */
  readonly skipPaths?: ReadonlyArray<string | RegExp> | ((path: string) => boolean)
  /** Request-id header, read and echoed. Default: `"x-request-id"`. */
  readonly requestIdHeader?: string
  /** Makes an id when the request has none (or an unusable one). Default: `crypto.randomUUID()`. */
  readonly generateId?: () => string
  /** Logger name of the middleware's own lines. Default: `"http"`. */
  readonly loggerName?: string
  /**
   * Handles each request in a `Log.fingersCrossed` scope of its own (`true`: the defaults; or its options): the
   * request's `Log.*` records below the level are kept, and written before its "Request failed" line when it answers
   * 5xx or fails; a request that succeeds writes none of them. Default: off.
   */
  readonly fingersCrossed?: boolean | Log.FingersCrossedOptions | undefined
}

/**
 * A configured middleware. The options are checked once, when `make` is called; it never throws: with an option
 * that is not valid (`successLevel` not a level, `headers` not an array of names, an invalid `fingersCrossed`
 * option, ...) every request handled by the
 * middleware dies with an `IllegalArgumentError` naming the option
 * (`HttpLogging option successLevel: invalid value "LOUD"; accepted: ...`), which the server answers with a 500.
 *
 * @example
 * ```ts
 * import { HttpLogging } from "effect-foundation/effect4"
 * const logging = HttpLogging.make({ headers: ["user-agent"], skipPaths: ["/health"], successLevel: "debug" })
 * const verbose = HttpLogging.make({ received: true }) // "Request received" too
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (options: Options = {}): Middleware => {
  const checked = checkOptions(() => internal.middlewareOf(options))
  return Result.isSuccess(checked) ? checked.success : internal.rejected(checked.failure)
}

/**
 * The middleware with default options: `HttpRouter.serve(app, { middleware: HttpLogging.middleware })`.
 *
 * @since 0.2.0
 * @category middleware
 */
export const middleware: Middleware = make()

/**
 * The middleware as a global `HttpRouter` middleware (effect 4's idiom for a router's cross-cutting concerns):
 * `Layer.mergeAll(Routes, HttpLogging.layer())`. Every request the router handles, a not-found one included, gets
 * its context, id and line. Use it or the server's middleware (`HttpRouter.serve(app, { middleware })`), not both:
 * each writes its own line.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<never, never, HttpRouter.HttpRouter> =>
  HttpRouter.middleware(make(options), { global: true })
