/**
 * Emoji tables as data: levels, logger names (keywords, then a stable hash
 * into a palette) and Domain-Action-Status (DAS) markers. Extend them with
 * {@link make}; pass the result to `Foundation.layer({ emoji })`.
 *
 * @since 0.1.0
 */
import type { LevelName } from "./internal/level.js"

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
export const levels: EmojiSet["levels"] = {
  trace: "👣",
  debug: "🐞",
  info: "ℹ️",
  warning: "⚠️",
  error: "🔥",
  critical: "❌"
}

/**
 * Logger-name keywords, matched on the first dotted segment, lower case.
 *
 * @since 0.1.0
 * @category tables
 */
export const names: EmojiSet["names"] = {
  root: "▶️",
  main: "▶️",
  app: "▶️",
  worker: "👷",
  job: "👷",
  db: "🗄️",
  database: "🗄️",
  sql: "🗄️",
  http: "🛎️",
  server: "🛎️",
  client: "🙋",
  api: "🔌",
  auth: "🔑",
  security: "🔐",
  cache: "💾",
  task: "🔄",
  queue: "📬",
  scheduler: "📅",
  network: "🌐",
  net: "🌐",
  config: "🔩",
  telemetry: "🛰️",
  otlp: "🛰️",
  retry: "🔁",
  circuit: "🚧",
  payment: "💳",
  user: "👤",
  email: "📧",
  storage: "📦",
  file: "📄",
  cli: "💻",
  test: "🧪"
}

/**
 * The palette names hash into (40 entries, none of them used by the tables above).
 *
 * @since 0.1.0
 * @category tables
 */
export const palette: EmojiSet["palette"] = [
  "🦊", "🐙", "🦉", "🐝", "🐬", "🦄", "🐢", "🦋", "🌵", "🍀",
  "🌻", "🍄", "🌈", "🌙", "🪐", "🎲", "🧩", "🎈", "🎨", "🧭",
  "🧲", "🔭", "🪁", "🛶", "🚲", "🛸", "🏮", "🪴", "🦔", "🐳",
  "🦜", "🐧", "🦀", "🐌", "🦩", "🌊", "🍉", "🍒", "🥝", "💎"
]

/**
 * Domain markers (provide.foundation 0.3.1).
 *
 * @since 0.1.0
 * @category tables
 */
export const domain: EmojiSet["domain"] = {
  server: "🛎️", client: "🙋", network: "🌐", security: "🔐", config: "🔩", database: "🗄️", cache: "💾",
  task: "🔄", telemetry: "🛰️", di: "💉", protocol: "📡", user: "👤", core: "🌟", auth: "🔑", entity: "🦎",
  report: "📈", payment: "💳", default: "❓"
}

/**
 * Action markers (provide.foundation 0.3.1).
 *
 * @since 0.1.0
 * @category tables
 */
export const action: EmojiSet["action"] = {
  init: "🌱", start: "🚀", stop: "🛑", connect: "🔗", disconnect: "💔", listen: "👂", send: "📤", receive: "📥",
  write: "📝", validate: "🛡️", execute: "▶️", query: "🔍", update: "🔄", delete: "🗑️", login: "➡️", logout: "⬅️",
  auth: "🔑", register: "📋", error: "🔥", encrypt: "🛡️", decrypt: "🔓", transmit: "📡", schedule: "📅",
  emit: "📢", load: "💡", observe: "🧐", request: "🗣️", interrupt: "🚦", default: "❓"
}

/**
 * Status markers (provide.foundation 0.3.1, plus `success` ✅ and `info` ℹ️).
 *
 * @since 0.1.0
 * @category tables
 */
export const status: EmojiSet["status"] = {
  failure: "❌", error: "🔥", warning: "⚠️", info: "ℹ️", debug: "🐞", trace: "👣", attempt: "⏳", retry: "🔁",
  skip: "⏭️", complete: "🏁", timeout: "⏱️", notfound: "❓", unauthorized: "🚫", invalid: "💢", cached: "🎯",
  ongoing: "🏃", idle: "💤", ready: "👍", success: "✅", default: "➡️"
}

/**
 * The default tables.
 *
 * @since 0.1.0
 * @category tables
 */
export const defaults: EmojiSet = { levels, names, palette, domain, action, status }

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
export const make = (
  entries: {
    readonly levels?: Partial<Record<LevelName, string>>
    readonly names?: Readonly<Record<string, string>>
    readonly palette?: ReadonlyArray<string>
    readonly domain?: Readonly<Record<string, string>>
    readonly action?: Readonly<Record<string, string>>
    readonly status?: Readonly<Record<string, string>>
  },
  base: EmojiSet = defaults
): EmojiSet => ({
  levels: { ...base.levels, ...entries.levels },
  names: { ...base.names, ...lowerKeys(entries.names) },
  palette: entries.palette !== undefined && entries.palette.length > 0 ? entries.palette : base.palette,
  domain: { ...base.domain, ...lowerKeys(entries.domain) },
  action: { ...base.action, ...lowerKeys(entries.action) },
  status: { ...base.status, ...lowerKeys(entries.status) }
})

const lowerKeys = (table: Readonly<Record<string, string>> | undefined): Record<string, string> => {
  const out: Record<string, string> = {}
  if (table !== undefined) for (const key of Object.keys(table)) out[key.toLowerCase()] = table[key]!
  return out
}

const own = (table: Readonly<Record<string, string>>, key: string): string | undefined =>
  Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined

/**
 * 32-bit FNV-1a over the UTF-16 code units of `s`: the same name gives the
 * same number in every process and run.
 *
 * @since 0.1.0
 * @category hashing
 */
export const hash = (s: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/**
 * The emoji for a logger name: the keyword table on the first dotted segment
 * (lower case), else the name's {@link hash} into the palette. The unnamed
 * logger is `root`.
 *
 * @since 0.1.0
 * @category hashing
 */
export const forName = (name: string | undefined, set: EmojiSet = defaults): string => {
  if (name === undefined || name === "") return own(set.names, "root") ?? set.palette[0]!
  const dot = name.indexOf(".")
  const first = (dot === -1 ? name : name.slice(0, dot)).toLowerCase()
  return own(set.names, first) ?? set.palette[hash(name) % set.palette.length]!
}

/**
 * The marker for one DAS field value (compared in lower case; unknown values
 * get the table's `default`).
 *
 * @since 0.1.0
 * @category hashing
 */
export const dasMarker = (table: Readonly<Record<string, string>>, value: unknown): string =>
  own(table, String(value).toLowerCase()) ?? own(table, "default") ?? "❓"

/**
 * `[m1][m2][m3]` for the DAS fields present, in the order domain, action,
 * status; `undefined` when none is present.
 *
 * @since 0.1.0
 * @category hashing
 */
export const das = (
  values: { readonly domain?: unknown; readonly action?: unknown; readonly status?: unknown },
  set: EmojiSet = defaults
): string | undefined => {
  let out = ""
  if (values.domain !== undefined) out += "[" + dasMarker(set.domain, values.domain) + "]"
  if (values.action !== undefined) out += "[" + dasMarker(set.action, values.action) + "]"
  if (values.status !== undefined) out += "[" + dasMarker(set.status, values.status) + "]"
  return out === "" ? undefined : out
}
