/**
 * The Effect 3 binding's side of the one set of parsers (`src/core/parse.ts`, where the parsers and the one wording
 * are): a bad option as an `IllegalArgumentException` in that wording, thrown by {@link option} inside
 * {@link checkOptions}, which each public function turns into a failure or a defect of the Effect it returns (none
 * throws); and durations read by Effect's `Duration`. A bad variable fails with a `ConfigError` (see `config.ts`).
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import {
  aFormat,
  checkedOption,
  durationParsers,
  invalidOptionMessage,
  parseMillis,
  type Parser,
  showValue
} from "../core/parse.js"

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
} from "../core/parse.js"

/**
 * A bad option, as an `IllegalArgumentException` in the one wording, naming
 * where it was given: `Retry option maxAttempts: invalid value 0; accepted: ...`.
 *
 * @internal
 */
export const invalidOption = (
  where: string,
  name: string,
  value: unknown,
  accepted: string
): Cause.IllegalArgumentException =>
  new Cause.IllegalArgumentException(invalidOptionMessage(where, name, value, accepted))

/**
 * An option checked by `parser`: its value, or, when rejected, an
 * `IllegalArgumentException` thrown in the one wording. Called only inside
 * {@link checkOptions} (or an `Effect` that turns the throw into a defect), so
 * no public function throws.
 *
 * @internal
 */
export const option = <A>(where: string, name: string, value: unknown, parser: Parser<A>): A =>
  checkedOption(where, name, value, parser, invalidOption)

/**
 * Runs the checks of a set of options once: their result, or the
 * `IllegalArgumentException` a check threw (anything else thrown is one too).
 *
 * @internal
 */
export const checkOptions = <A>(check: () => A): Either.Either<A, Cause.IllegalArgumentException> => {
  try {
    return Either.right(check())
  } catch (e) {
    return Either.left(
      Cause.isIllegalArgumentException(e) ? e : new Cause.IllegalArgumentException(showValue((e as Error)?.message))
    )
  }
}

/**
 * `use` of the checked options, or a defect (`IllegalArgumentException`) when
 * they were rejected: how an Effect-returning function reports a bad option.
 *
 * @internal
 */
export const orDie = <A, B, E, R>(
  checked: Either.Either<A, Cause.IllegalArgumentException>,
  use: (options: A) => Effect.Effect<B, E, R>
): Effect.Effect<B, E, R> => Either.isLeft(checked) ? Effect.die(checked.left) : use(checked.right)

/**
 * A duration: `250` (ms), `250 ms`, `1 s`, `2 min`, `6 h`, `1 day` (positive, finite); `undefined` when invalid.
 *
 * @internal
 */
export const parseDuration = (raw: string): Duration.Duration | undefined => {
  const ms = parseMillis(raw)
  return ms === undefined ? undefined : Duration.millis(ms)
}

const parsers = durationParsers((input) => {
  const decoded = Duration.decodeUnknown(input)
  return Option.isNone(decoded) ? undefined : Duration.toMillis(decoded.value)
})

/**
 * Milliseconds of a duration given as an option (a `DurationInput`: `500`,
 * `"1 second"`, `Duration.seconds(1)`, ...) or as a variable's text (`"250 ms"`,
 * `"1 s"`); `undefined` when negative, NaN or not a duration. May be `Infinity`.
 *
 * @internal
 */
export const durationMillis: (input: unknown) => number | undefined = parsers.durationMillis

/**
 * A duration in milliseconds (see {@link durationMillis}): `"non-negative"`
 * (may be infinite), `"finite"` (non-negative and finite) or `"positive"`
 * (positive and finite).
 *
 * @internal
 */
export const duration: (kind: "non-negative" | "finite" | "positive", accepted?: string) => Parser<number> =
  parsers.duration

/**
 * `parser`'s milliseconds as a `Duration`.
 *
 * @internal
 */
export const asDuration = (parser: Parser<number>): Parser<Duration.Duration> => ({
  accepted: parser.accepted,
  parse: (input) => {
    const ms = parser.parse(input)
    return ms === undefined ? undefined : Duration.millis(ms)
  }
})

/**
 * The `format` option, parsed like `PROVIDE_LOG_CONSOLE_FORMATTER` (any case, blanks around): `undefined` when not
 * given. Anything else throws `IllegalArgumentException` in the one wording, naming the option.
 *
 * @internal
 */
export const formatOption = (name: string, value: unknown): "key_value" | "json" | undefined =>
  value === undefined ? undefined : option("", name, value, aFormat)
