/**
 * A file target's rotation options, checked (a clear error naming the option),
 * and the time rotation: a fiber that sleeps on the sink's `Clock` until the
 * driver's next boundary. Size rotation is the driver's own (`src/node/`);
 * names and periods are the core's (`src/core/rotation.ts`).
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { Rotation } from "../core/driver.js"
import { MAX_SLEEP, sleepBefore } from "../core/rotation.js"
import { rotationAccepted } from "../core/sinkConfig.js"
import type { FileTarget, RotateOptions } from "../LogSink.js"
import { aBoolean, bytes, duration, integerAtLeast, invalidOption, oneOf, option } from "./parse.js"

const where = "LogSink"

const maxSizeParser = bytes(rotationAccepted.maxSize)
const intervalParser = duration("positive", rotationAccepted.interval)
const maxFilesParser = integerAtLeast(1, rotationAccepted.maxFiles)
const signalParser = oneOf(["SIGHUP", "SIGUSR2"] as const)

/**
 * The public rotation options, checked by the shared parsers: a bad value
 * throws an `IllegalArgumentException` in the one wording, naming the option
 * (`LogSink option target.rotate.maxSize: invalid value "lots"; accepted: ...`).
 *
 * @internal
 */
export const resolveRotation = (rotate: RotateOptions): Rotation => {
  if (typeof rotate !== "object" || rotate === null) {
    throw invalidOption(where, "target.rotate", rotate, rotationAccepted.rotate)
  }
  const maxSize = rotate.maxSize === undefined
    ? undefined
    : option(where, "target.rotate.maxSize", rotate.maxSize, maxSizeParser)
  const interval = rotate.interval === undefined
    ? undefined
    : Math.max(1, Math.floor(option(where, "target.rotate.interval", rotate.interval, intervalParser)))
  const maxFiles = rotate.maxFiles === undefined
    ? undefined
    : option(where, "target.rotate.maxFiles", rotate.maxFiles, maxFilesParser)
  const compress = rotate.compress === undefined
    ? false
    : option(where, "target.rotate.compress", rotate.compress, aBoolean)
  if (maxSize === undefined && interval === undefined) {
    throw invalidOption(where, "target.rotate", rotate, rotationAccepted.rotateTrigger)
  }
  return { maxSize, interval, maxFiles, compress }
}

/** The `reopenOnSignal` option, checked. @internal */
export const checkSignal = (target: FileTarget): void => {
  if (target.reopenOnSignal !== undefined) {
    option(where, "target.reopenOnSignal", target.reopenOnSignal, signalParser)
  }
}

/** The time rotation: sleeps on the `Clock` until the driver's next boundary, then rotates (`TestClock.adjust` drives it). */
/** @internal */
export const rotateOnTime = (
  sink: { readonly closed: boolean; readonly rotateDue: (now: number) => void },
  dueAt: () => number
): Effect.Effect<void> =>
  Effect.gen(function*() {
    while (!sink.closed) {
      const now = yield* Clock.currentTimeMillis
      const sleep = sleepBefore(now, dueAt())
      if (sleep > 0) yield* Effect.sleep(sleep)
      else {
        sink.rotateDue(now)
        // a driver that did not move on (closed meanwhile): never spin
        if (dueAt() <= now) yield* Effect.sleep(MAX_SLEEP)
      }
    }
  })
