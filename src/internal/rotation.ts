/**
 * A file target's rotation options, checked (a clear error naming the option),
 * and the time rotation: a fiber that sleeps on the sink's `Clock` until the
 * driver's next boundary. Size rotation is the driver's own (`src/node/`);
 * names and periods are the core's (`src/core/rotation.ts`).
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Rotation } from "../core/driver.js"
import { MAX_SLEEP, sleepBefore } from "../core/rotation.js"
import type { FileTarget, RotateOptions } from "../LogSink.js"
import { parseBytes, parseDuration } from "./config.js"

const invalidOption = (name: string, value: unknown, accepted: string): Error => {
  let shown: string
  try {
    shown = typeof value === "string" ? JSON.stringify(value) : String(value)
  } catch {
    shown = "(unprintable)"
  }
  return new Error(`${name}: invalid value ${shown}; accepted: ${accepted}`)
}

/** The public rotation options, checked: a clear error naming the option for a bad value. */
/** @internal */
export const resolveRotation = (rotate: RotateOptions): Rotation => {
  if (typeof rotate !== "object" || rotate === null) {
    throw invalidOption("rotate", rotate, "an object { maxSize?, interval?, maxFiles?, compress? }")
  }
  let maxSize: number | undefined
  if (rotate.maxSize !== undefined) {
    const v = rotate.maxSize
    maxSize = typeof v === "number"
      ? (Number.isSafeInteger(v) && v >= 1 ? v : undefined)
      : typeof v === "string"
      ? parseBytes(v)
      : undefined
    if (maxSize === undefined) {
      throw invalidOption("rotate.maxSize", v, "a positive number of bytes, e.g. 10485760, \"10 MiB\", \"512k\"")
    }
  }
  let interval: number | undefined
  if (rotate.interval !== undefined) {
    const v = rotate.interval
    const d = typeof v === "string"
      ? parseDuration(v) ?? Option.getOrUndefined(Duration.decodeUnknown(v))
      : Option.getOrUndefined(Duration.decodeUnknown(v))
    const ms = d === undefined ? NaN : Duration.toMillis(d)
    if (!(Number.isFinite(ms) && ms >= 1)) {
      throw invalidOption(
        "rotate.interval",
        v,
        "a positive finite duration, e.g. \"1 day\", \"6 hours\", \"30 minutes\""
      )
    }
    interval = Math.floor(ms)
  }
  let maxFiles: number | undefined
  if (rotate.maxFiles !== undefined) {
    const v = rotate.maxFiles
    if (!(typeof v === "number" && Number.isSafeInteger(v) && v >= 1)) {
      throw invalidOption("rotate.maxFiles", v, "a positive integer")
    }
    maxFiles = v
  }
  if (rotate.compress !== undefined && typeof rotate.compress !== "boolean") {
    throw invalidOption("rotate.compress", rotate.compress, "true, false")
  }
  if (maxSize === undefined && interval === undefined) throw new Error("rotate needs maxSize or interval (or both)")
  return { maxSize, interval, maxFiles, compress: rotate.compress === true }
}

/** The `reopenOnSignal` option, checked. @internal */
export const checkSignal = (target: FileTarget): void => {
  const s = target.reopenOnSignal
  if (s !== undefined && s !== "SIGHUP" && s !== "SIGUSR2") {
    throw invalidOption("reopenOnSignal", s, "\"SIGHUP\", \"SIGUSR2\"")
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
