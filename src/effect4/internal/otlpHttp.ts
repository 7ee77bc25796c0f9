/**
 * OTLP export, transport (effect 4, `effect/http`): one batch as an OTLP/HTTP request (the body and the reading of
 * the answer are the core's, `core/otlpRequest.ts`), and one attempt at sending it. The exporter's own requests are
 * never traced (no span, no `traceparent`).
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type { Protocol } from "../../core/otlpConfig.js"
import { type Item, payload } from "../../core/otlpJson.js"
import { encodeBody, gzip, retryableStatus, retryAfterMillis } from "../../core/otlpRequest.js"
import { version } from "../../core/version.js"
import type { Resolved } from "./otlpConfig.js"

/**
 * A failed export request. `retryable`: 429, 502, 503, 504, network errors and timeouts.
 *
 * @internal
 */
export class ExportError extends Data.TaggedError("OtlpExportError")<{
  readonly message: string
  readonly status?: number | undefined
  readonly retryable: boolean
  /** The collector's `Retry-After`, in milliseconds. */
  readonly retryAfterMillis?: number | undefined
}> {}

const ownScope = { name: "effect-foundation", version }

/** @internal */
export class Transport {
  readonly contentType: string
  readonly headers: Readonly<Record<string, string>>

  constructor(
    readonly config: Resolved,
    readonly protocol: Protocol,
    readonly client: HttpClient.HttpClient
  ) {
    this.contentType = protocol === "http/protobuf" ? "application/x-protobuf" : "application/json"
    this.headers = {
      ...config.headers,
      "content-type": this.contentType,
      "user-agent": `effect-foundation/${version}`,
      ...(config.compression === "gzip" ? { "content-encoding": "gzip" } : {})
    }
  }

  /** The request carrying `batch`: the body encoded by the core, gzipped when configured. */
  request(batch: ReadonlyArray<Item>): Effect.Effect<HttpClientRequest.HttpClientRequest, ExportError> {
    const body = encodeBody(this.protocol, payload(this.config.resource, batch, ownScope))
    const base = HttpClientRequest.post(this.config.endpoint).pipe(HttpClientRequest.setHeaders(this.headers))
    if (this.config.compression !== "gzip") {
      return Effect.succeed(
        typeof body === "string"
          ? HttpClientRequest.bodyText(base, body, this.contentType)
          : HttpClientRequest.bodyUint8Array(base, body, this.contentType)
      )
    }
    return Effect.map(
      Effect.tryPromise({
        try: () => gzip(body),
        catch: (e) =>
          new ExportError({ message: `gzip failed: ${e instanceof Error ? e.message : String(e)}`, retryable: false })
      }),
      (bytes) => HttpClientRequest.bodyUint8Array(base, bytes, this.contentType)
    )
  }

  /** One attempt: accepted (2xx), or an {@link ExportError} saying whether it may be retried. */
  attempt(request: HttpClientRequest.HttpClientRequest): Effect.Effect<void, ExportError> {
    const timeout = this.config.exportTimeout
    return this.client.execute(request).pipe(
      Effect.flatMap((response) =>
        // Drain the body so the connection is reused.
        Effect.andThen(
          Effect.ignore(response.text),
          response.status >= 200 && response.status < 300
            ? Effect.void
            : Effect.flatMap(Clock.currentTimeMillis, (now) =>
              Effect.fail(
                new ExportError({
                  message: `collector answered ${response.status}`,
                  status: response.status,
                  retryable: retryableStatus(response.status),
                  retryAfterMillis: retryAfterMillis(response.headers["retry-after"], now)
                })
              ))
        )
      ),
      Effect.timeoutOrElse({
        duration: timeout,
        orElse: () =>
          Effect.fail(new ExportError({ message: `no answer within ${Duration.format(timeout)}`, retryable: true }))
      }),
      Effect.catchTag("HttpClientError", (e) => Effect.fail(new ExportError({ message: e.message, retryable: true }))),
      // never traced: no span, no traceparent to the collector
      Effect.provideService(HttpClient.TracerPropagationEnabled, false),
      Effect.withTracerEnabled(false)
    )
  }
}
