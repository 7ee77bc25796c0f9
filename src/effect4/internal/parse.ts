/**
 * The Effect 4 binding's side of the one set of parsers (`src/core/parse.ts`, where the parsers and the one wording
 * are): a bad option as an `IllegalArgumentError` in that wording, thrown by {@link option} inside
 * {@link checkOptions}, which each public function turns into a failure or a defect of the Effect it returns (none
 * throws); durations read by Effect 4's `Duration`. A bad variable fails with a `ConfigError` (see `config.ts`).
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import {
  aFormat,
  checkedOption,
  durationParsers,
  invalidOptionMessage,
  parseMillis,
  type Parser,
  showValue
} from "../../core/parse.js"

export {
  /** @internal */
  aBoolean,
  /** @internal */
  acceptedFormats,
  /** @internal */
  aFunction,
  /** @internal */
  aLevel,
  /** @internal */
  bytes,
  /** @internal */
  integerAtLeast,
  /** @internal */
  invalidLevelMessage,
  /** @internal */
  invalidMessage,
  /** @internal */
  numberAtLeast,
  /** @internal */
  oneOf,
  /** @internal */
  parseBoolean,
  /** @internal */
  parseBytes,
  /** @internal */
  parseFormat,
  /** @internal */
  parseModuleLevels,
  /** @internal */
  type Parser,
  /** @internal */
  showValue
} from "../../core/parse.js"

/**
 * A bad option, as an `IllegalArgumentError` in the one wording, naming where it was given:
 * `Retry option maxAttempts: invalid value 0; accepted: ...`.
 *
 * @internal
 */
export const invalidOption = (
  where: string,
  name: string,
  value: unknown,
  accepted: string
): Cause.IllegalArgumentError => new Cause.IllegalArgumentError(invalidOptionMessage(where, name, value, accepted))

/**
 * An option checked by `parser`: its value, or, when rejected, an `IllegalArgumentError` thrown in the one wording.
 * Called only inside {@link checkOptions}, so no public function throws.
 *
 * @internal
 */
export const option = <A>(where: string, name: string, value: unknown, parser: Parser<A>): A =>
  checkedOption(where, name, value, parser, invalidOption)

/**
 * Runs the checks of a set of options once: their result, or the `IllegalArgumentError` a check threw (anything
 * else thrown is one too).
 *
 * @internal
 */
export const checkOptions = <A>(check: () => A): Result.Result<A, Cause.IllegalArgumentError> => {
  try {
    return Result.succeed(check())
  } catch (e) {
    return Result.fail(
      Cause.isIllegalArgumentError(e) ? e : new Cause.IllegalArgumentError(showValue((e as Error)?.message))
    )
  }
}

/**
 * `use` of the checked options, or a defect (`IllegalArgumentError`) when they were rejected.
 *
 * @internal
 */
export const orDie = <A, B, E, R>(
  checked: Result.Result<A, Cause.IllegalArgumentError>,
  use: (options: A) => Effect.Effect<B, E, R>
): Effect.Effect<B, E, R> => Result.isFailure(checked) ? Effect.die(checked.failure) : use(checked.success)

/**
 * A duration's text: `250` (ms), `250 ms`, `1 s`, `2 min`, `6 h`, `1 day` (positive, finite); `undefined` when
 * invalid.
 *
 * @internal
 */
export const parseDuration = (raw: string): Duration.Duration | undefined => {
  const ms = parseMillis(raw)
  return ms === undefined ? undefined : Duration.millis(ms)
}

const parsers = durationParsers((input) => {
  const decoded = Duration.fromInput(input as Duration.Input)
  return Option.isNone(decoded) ? undefined : Duration.toMillis(decoded.value)
})

/**
 * Milliseconds of a duration given as an option (a `Duration.Input`) or a variable's text; `undefined` when negative,
 * NaN or not a duration. May be `Infinity`.
 *
 * @internal
 */
export const durationMillis: (input: unknown) => number | undefined = parsers.durationMillis

/**
 * A duration in milliseconds: `"non-negative"` (may be infinite), `"finite"` or `"positive"` (positive and finite).
 *
 * @internal
 */
export const duration: (kind: "non-negative" | "finite" | "positive", accepted?: string) => Parser<number> =
  parsers.duration

/**
 * The `format` option, parsed like `PROVIDE_LOG_CONSOLE_FORMATTER`: `undefined` when not given; anything else throws
 * `IllegalArgumentError` in the one wording, naming the option.
 *
 * @internal
 */
export const formatOption = (name: string, value: unknown): "key_value" | "json" | undefined =>
  value === undefined ? undefined : option("", name, value, aFormat)
