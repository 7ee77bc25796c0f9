/**
 * The emoji tables and the name/DAS lookups behind `Emoji` and the console
 * format.
 */
import type { LevelName } from "./level.js"

/**
 * The shape of an emoji set (the public `Emoji.EmojiSet` has it): level markers, logger-name emoji, the palette
 * unknown names hash into, and the Domain-Action-Status tables, each with a `default`.
 *
 * @internal
 */
export interface EmojiSet {
  readonly levels: Readonly<Record<LevelName, string>>
  readonly names: Readonly<Record<string, string>>
  readonly palette: ReadonlyArray<string>
  readonly domain: Readonly<Record<string, string>>
  readonly action: Readonly<Record<string, string>>
  readonly status: Readonly<Record<string, string>>
}

/** @internal */
export const levels: EmojiSet["levels"] = {
  trace: "👣",
  debug: "🐞",
  info: "ℹ️",
  warning: "⚠️",
  error: "🔥",
  critical: "❌"
}

/** @internal */
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

/** @internal */
export const palette: EmojiSet["palette"] = [
  "🦊",
  "🐙",
  "🦉",
  "🐝",
  "🐬",
  "🦄",
  "🐢",
  "🦋",
  "🌵",
  "🍀",
  "🌻",
  "🍄",
  "🌈",
  "🌙",
  "🪐",
  "🎲",
  "🧩",
  "🎈",
  "🎨",
  "🧭",
  "🧲",
  "🔭",
  "🪁",
  "🛶",
  "🚲",
  "🛸",
  "🏮",
  "🪴",
  "🦔",
  "🐳",
  "🦜",
  "🐧",
  "🦀",
  "🐌",
  "🦩",
  "🌊",
  "🍉",
  "🍒",
  "🥝",
  "💎"
]

/** @internal */
export const domain: EmojiSet["domain"] = {
  server: "🛎️",
  client: "🙋",
  network: "🌐",
  security: "🔐",
  config: "🔩",
  database: "🗄️",
  cache: "💾",
  task: "🔄",
  telemetry: "🛰️",
  di: "💉",
  protocol: "📡",
  user: "👤",
  core: "🌟",
  auth: "🔑",
  entity: "🦎",
  report: "📈",
  payment: "💳",
  default: "❓"
}

/** @internal */
export const action: EmojiSet["action"] = {
  init: "🌱",
  start: "🚀",
  stop: "🛑",
  connect: "🔗",
  disconnect: "💔",
  listen: "👂",
  send: "📤",
  receive: "📥",
  write: "📝",
  validate: "🛡️",
  execute: "▶️",
  query: "🔍",
  update: "🔄",
  delete: "🗑️",
  login: "➡️",
  logout: "⬅️",
  auth: "🔑",
  register: "📋",
  error: "🔥",
  encrypt: "🛡️",
  decrypt: "🔓",
  transmit: "📡",
  schedule: "📅",
  emit: "📢",
  load: "💡",
  observe: "🧐",
  request: "🗣️",
  interrupt: "🚦",
  default: "❓"
}

/** @internal */
export const status: EmojiSet["status"] = {
  failure: "❌",
  error: "🔥",
  warning: "⚠️",
  info: "ℹ️",
  debug: "🐞",
  trace: "👣",
  attempt: "⏳",
  retry: "🔁",
  skip: "⏭️",
  complete: "🏁",
  timeout: "⏱️",
  notfound: "❓",
  unauthorized: "🚫",
  invalid: "💢",
  cached: "🎯",
  ongoing: "🏃",
  idle: "💤",
  ready: "👍",
  success: "✅",
  default: "➡️"
}

/** @internal */
export const defaults: EmojiSet = { levels, names, palette, domain, action, status }

/** @internal */
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
  if (table !== undefined) { for (const key of Object.keys(table)) out[key.toLowerCase()] = table[key]! }
  return out
}

const own = (table: Readonly<Record<string, string>>, key: string): string | undefined =>
  Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined

/** @internal */
export const hash = (s: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** @internal */
export const forName = (name: string | undefined, set: EmojiSet = defaults): string => {
  if (name === undefined || name === "") return own(set.names, "root") ?? set.palette[0]!
  const dot = name.indexOf(".")
  const first = (dot === -1 ? name : name.slice(0, dot)).toLowerCase()
  return own(set.names, first) ?? set.palette[hash(name) % set.palette.length]!
}

/** @internal */
export const dasMarker = (table: Readonly<Record<string, string>>, value: unknown): string =>
  own(table, String(value).toLowerCase()) ?? own(table, "default") ?? "❓"

/** @internal */
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
