/**
 * Emoji tables as data: levels, logger names (keywords, then a stable hash
 * into a palette) and Domain-Action-Status (DAS) markers. Extend them with
 * {@link make}; pass the result to `Foundation.layer({ emoji })`.
 *
 * @since 0.1.0
 */
import * as internal from "./core/emoji.js"
import type { LevelName } from "./core/level.js"

/**
 * A complete set of tables. Keys are lower case.
 *
 * @since 0.1.0
 * @category models
 */
export interface EmojiSet {
  /** Level markers; the console prints the marker and the level label (INFO is printed bare). */
  readonly levels: Readonly<Record<LevelName, string>>
  /** Emoji for the first dotted segment of a logger name (`worker.alpha` -> `worker`). `root` is the unnamed logger. */
  readonly names: Readonly<Record<string, string>>
  /** Names that are not in `names` hash into this palette. */
  readonly palette: ReadonlyArray<string>
  /** DAS tables; each has a `default` used for unknown values. */
  readonly domain: Readonly<Record<string, string>>
  readonly action: Readonly<Record<string, string>>
  readonly status: Readonly<Record<string, string>>
}

/**
 * Level markers (provide.foundation's).
 *
 * @since 0.1.0
 * @category tables
 */
export const levels: EmojiSet["levels"] = internal.levels

/**
 * Logger-name keywords, matched on the first dotted segment, lower case.
 *
 * @since 0.1.0
 * @category tables
 */
export const names: EmojiSet["names"] = internal.names

/**
 * The palette names hash into (40 entries, none of them used by the tables above).
 *
 * @since 0.1.0
 * @category tables
 */
export const palette: EmojiSet["palette"] = internal.palette

/**
 * Domain markers (provide.foundation 0.3.1).
 *
 * @since 0.1.0
 * @category tables
 */
export const domain: EmojiSet["domain"] = internal.domain

/**
 * Action markers (provide.foundation 0.3.1).
 *
 * @since 0.1.0
 * @category tables
 */
export const action: EmojiSet["action"] = internal.action

/**
 * Status markers (provide.foundation 0.3.1, plus `success` ✅ and `info` ℹ️).
 *
 * @since 0.1.0
 * @category tables
 */
export const status: EmojiSet["status"] = internal.status

/**
 * The default tables.
 *
 * @since 0.1.0
 * @category tables
 */
export const defaults: EmojiSet = internal.defaults

/**
 * Tables with your entries added to (or replacing) `base`'s. Keys are lower-cased.
 *
 * @example
 * ```ts
 * import { Emoji } from "effect-foundation"
 * const emoji = Emoji.make({ names: { billing: "💰" }, domain: { billing: "💰" } })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (
  entries: {
    readonly levels?: Partial<Record<LevelName, string>>
    readonly names?: Readonly<Record<string, string>>
    readonly palette?: ReadonlyArray<string>
    readonly domain?: Readonly<Record<string, string>>
    readonly action?: Readonly<Record<string, string>>
    readonly status?: Readonly<Record<string, string>>
  },
  base?: EmojiSet
) => EmojiSet = internal.make

/**
 * 32-bit FNV-1a over the UTF-16 code units of `s`: the same name gives the
 * same number in every process and run.
 *
 * @since 0.1.0
 * @category hashing
 */
export const hash: (s: string) => number = internal.hash

/**
 * The emoji for a logger name: the keyword table on the first dotted segment
 * (lower case), else the name's {@link hash} into the palette. The unnamed
 * logger is `root`.
 *
 * @since 0.1.0
 * @category hashing
 */
export const forName: (name: string | undefined, set?: EmojiSet) => string = internal.forName

/**
 * The marker for one DAS field value (compared in lower case; unknown values
 * get the table's `default`).
 *
 * @since 0.1.0
 * @category hashing
 */
export const dasMarker: (table: Readonly<Record<string, string>>, value: unknown) => string = internal.dasMarker

/**
 * `[m1][m2][m3]` for the DAS fields present, in the order domain, action,
 * status; `undefined` when none is present.
 *
 * @since 0.1.0
 * @category hashing
 */
export const das: (
  values: { readonly domain?: unknown; readonly action?: unknown; readonly status?: unknown },
  set?: EmojiSet
) => string | undefined = internal.das
