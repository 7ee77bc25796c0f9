/**
 * `LogSink.make` (effect 4): the options checked (defaults filled in), then the sink acquired for the scope, as the
 * public `LogSink` view.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type { LogSink, Options } from "../LogSink.js"
import { acquire, defaults, type LogSinkError } from "./sink.js"
import { checkSinkOptions } from "./sinkOptions.js"

const stripUndefined = <A extends object>(a: A): A => {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(a)) if (v !== undefined) out[k] = v
  return out as A
}

/** @internal */
export const makeSink = (options?: Partial<Options>): Effect.Effect<LogSink, LogSinkError, Scope.Scope> =>
  Effect.map(
    Effect.flatMap(checkSinkOptions({ ...defaults, ...stripUndefined(options ?? {}) }), acquire),
    (sink) => ({
      write: sink.write,
      room: sink.room,
      flush: sink.flush,
      shutdown: sink.shutdown,
      stats: () => sink.stats(),
      reopen: () => sink.reopen()
    })
  )
