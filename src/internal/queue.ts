/**
 * The binding's side of the bounded queue (src/core/queue.ts): waiting for room as an effect.
 */
import * as Effect from "effect/Effect"
import * as core from "../core/queue.js"

/** @internal */
export class BoundedQueue<A> extends core.BoundedQueue<A> {
  /** Resumes when the queue is under its bound (at once if it is). */
  readonly room: Effect.Effect<void> = Effect.async<void>((resume) => {
    const cancel = this.onRoom(() => resume(Effect.void))
    return Effect.sync(cancel)
  })
}
