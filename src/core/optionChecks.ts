/**
 * How a core module checks a binding's options: the parsers and the one wording are the core's (parse.ts); the
 * error thrown for a bad option (Effect 3's `IllegalArgumentException`, Effect 4's `IllegalArgumentError`) and the
 * reading of a `Duration` are the binding's.
 */
import type { DurationKind, Parser } from "./parse.js"

/**
 * A binding's option checks: `option` returns the parsed value or throws the binding's `IllegalArgument` error in
 * the one wording, `invalid` makes that error, `duration` reads a duration with the binding's `Duration`.
 *
 * @internal
 */
export interface OptionChecks {
  readonly option: <A>(where: string, name: string, value: unknown, parser: Parser<A>) => A
  readonly invalid: (where: string, name: string, value: unknown, accepted: string) => unknown
  readonly duration: (kind: DurationKind, accepted?: string) => Parser<number>
}
