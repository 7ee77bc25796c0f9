/**
 * The Effect 4 tests' helpers: plain vitest (no @effect/vitest on this line), so `it.effect` is rebuilt here: the
 * effect runs scoped, with effect 4's `TestClock` (time starts at 0 and moves only when a test moves it).
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as References from "effect/References"
import type * as Scope from "effect/Scope"
import * as TestClock from "effect/testing/TestClock"
import * as Tracer from "effect/Tracer"
import { it as vitestIt } from "vitest"

/** Runs an effect as a test does: scoped, with the `TestClock`. */
export const run = <A, E>(effect: Effect.Effect<A, E, Scope.Scope>): Promise<A> =>
  Effect.runPromise(Effect.scoped(effect).pipe(Effect.provide(TestClock.layer())))

/** `it.effect` of @effect/vitest, for the Effect 4 line. */
export const it = Object.assign(
  (name: string, f: () => unknown) => vitestIt(name, f as () => Promise<void>),
  {
    effect: (name: string, f: () => Effect.Effect<unknown, unknown, Scope.Scope>) =>
      vitestIt(name, () => run(f()) as Promise<unknown> as Promise<void>)
  }
)

/** An event a span of {@link recordingTracer} received. */
export interface RecordedEvent {
  readonly name: string
  readonly time: bigint
  readonly attributes: Record<string, unknown> | undefined
}

/**
 * A tracer whose spans keep their events, as an exporting tracer's do (the spans of effect 4's built-in tracer get
 * none). Use with `Effect.withTracer`.
 */
export const recordingTracer = (): { readonly tracer: Tracer.Tracer; readonly events: Array<RecordedEvent> } => {
  const events: Array<RecordedEvent> = []
  const tracer = Tracer.make({
    span: ({ annotations, kind, links, name, parent, sampled, startTime }) => {
      let status: Tracer.SpanStatus = { _tag: "Started", startTime }
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId: "b7ad6b7169203331",
        traceId: Option.match(parent, { onNone: () => "0af7651916cd43dd8448eb211c80319c", onSome: (p) => p.traceId }),
        parent,
        annotations,
        get status() {
          return status
        },
        attributes: new Map(),
        links,
        sampled,
        kind,
        end: (endTime, exit) => void (status = { _tag: "Ended", startTime, endTime, exit }),
        attribute: () => {},
        event: (name, time, attributes) => void events.push({ name, time, attributes }),
        addLinks: () => {}
      }
      return span
    }
  })
  return { tracer, events }
}

/** The message of the `IllegalArgumentError` `self` dies with ("no defect: ..." when it does not). */
export const defectMessage = <A, E>(self: Effect.Effect<A, E>): Effect.Effect<string> =>
  Effect.map(Effect.exit(self), (exit) => {
    const defect = exit._tag === "Failure" ? exit.cause.reasons.find(Cause.isDieReason)?.defect : undefined
    return Cause.isIllegalArgumentError(defect) ? defect.message : `no defect: ${String(exit)}`
  })

/** `self` with effect 4's minimum log level set to `level` (the root's `Logger.withMinimumLogLevel`). */
export const minimum =
  (level: "Trace" | "Debug" | "Info" | "Warn" | "Error") =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.provideService(self, References.MinimumLogLevel, level)
