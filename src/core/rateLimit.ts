/**
 * Token-bucket rate limiting of records, globally and per logger name.
 *
 * - A bucket holds up to `capacity` tokens and refills at `rate` tokens per
 *   second; a record takes one token, and is suppressed when there is none.
 * - `global` is one bucket for every record. Each `perLogger` entry is one
 *   bucket shared by the logger named `name` and its dotted children (`auth`
 *   covers `auth` and `auth.db`, not `authz`); the longest matching name wins.
 * - When both apply, a record must pass both: it takes a token from each, and
 *   from neither when either bucket is empty (a logger held back by its own
 *   limit does not drain the global budget).
 * - Suppressed records are counted per logger name; the next record of that
 *   logger that passes reports the count, and the logger writes one summary
 *   line ("N records suppressed for <logger>") before it. Counts are kept for
 *   at most 10,000 distinct names at a time. At flush and shutdown the
 *   counts still pending are taken ({@link RateLimiter.drain}) and written as
 *   the same summary lines, so the records held back at the end are reported.
 * - Time is the record's timestamp (the binding's `Clock`): a record dated before the
 *   last one seen refills nothing (the clock never runs backwards here).
 *
 * Effect-free: both bindings use it (the variables are read here from their texts).
 */
import { invalidMessage } from "./parse.js"

/** @internal */
export interface RateLimitOptions {
  readonly global?: { readonly rate: number; readonly capacity: number }
  readonly perLogger?: ReadonlyArray<{ readonly name: string; readonly rate: number; readonly capacity: number }>
}

/** @internal */
export interface RateLimiter {
  /**
   * `-1` when the record is suppressed; otherwise the number of records of
   * this logger suppressed since the last one let through (usually 0).
   */
  readonly check: (loggerName: string | undefined, nowMs: number) => number
  /** Takes every pending count: `[loggerName, suppressed]` (`undefined`: the root logger), in order of first suppression. */
  readonly drain: () => ReadonlyArray<readonly [string | undefined, number]>
}

const MAX_TRACKED = 10_000

class Bucket {
  private tokens: number
  private last = NaN
  constructor(readonly rate: number, readonly capacity: number) {
    this.tokens = capacity
  }
  /** Refills up to `nowMs` and tells whether a token is there. */
  ready(nowMs: number): boolean {
    if (Number.isNaN(this.last)) this.last = nowMs
    else if (nowMs > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + ((nowMs - this.last) * this.rate) / 1000)
      this.last = nowMs
    }
    return this.tokens >= 1 - 1e-9 // tolerate float drift (0.1 + 0.2 ...)
  }
  take(): void {
    this.tokens -= 1
  }
}

const valid = (rate: number, capacity: number): boolean =>
  Number.isFinite(rate) && rate >= 0 && Number.isFinite(capacity) && capacity >= 1

/**
 * A limiter, or `undefined` when no limit is set (the logger then skips the
 * check entirely). Entries with a non-finite or negative rate or a capacity
 * below 1 are ignored (`rateLimitConfig` rejects them up front).
 *
 * @internal
 */
export const makeRateLimiter = (options: RateLimitOptions): RateLimiter | undefined => {
  const g = options.global
  const global = g !== undefined && valid(g.rate, g.capacity) ? new Bucket(g.rate, g.capacity) : undefined
  const prefixes: Array<readonly [string, Bucket]> = []
  for (const p of options.perLogger ?? []) {
    if (p.name === "" || !valid(p.rate, p.capacity)) continue
    prefixes.push([p.name, new Bucket(p.rate, p.capacity)])
  }
  if (global === undefined && prefixes.length === 0) return undefined
  // Longest name first, so the first match is the most specific.
  prefixes.sort((a, b) => b[0].length - a[0].length)

  const bucketCache = new Map<string, Bucket | null>()
  const bucketFor = (name: string | undefined): Bucket | undefined => {
    if (name === undefined || prefixes.length === 0) return undefined
    let b = bucketCache.get(name)
    if (b === undefined) {
      b = null
      for (const [prefix, bucket] of prefixes) {
        if (
          name === prefix ||
          (name.length > prefix.length && name.startsWith(prefix) && name.charCodeAt(prefix.length) === 46)
        ) {
          b = bucket
          break
        }
      }
      if (bucketCache.size < MAX_TRACKED) bucketCache.set(name, b)
    }
    return b ?? undefined
  }

  const suppressed = new Map<string, number>()
  const check = (loggerName: string | undefined, nowMs: number): number => {
    const own = bucketFor(loggerName)
    // Evaluate (and refill) both before taking from either.
    const ownReady = own === undefined || own.ready(nowMs)
    const globalReady = global === undefined || global.ready(nowMs)
    const key = loggerName ?? ""
    if (!ownReady || !globalReady) {
      const n = suppressed.get(key)
      if (n !== undefined) suppressed.set(key, n + 1)
      else if (suppressed.size < MAX_TRACKED) suppressed.set(key, 1)
      return -1
    }
    own?.take()
    global?.take()
    if (suppressed.size === 0) return 0
    const n = suppressed.get(key)
    if (n === undefined) return 0
    suppressed.delete(key)
    return n
  }
  const drain = (): ReadonlyArray<readonly [string | undefined, number]> => {
    if (suppressed.size === 0) return []
    const out = Array.from(suppressed, ([key, n]) => [key === "" ? undefined : key, n] as const)
    suppressed.clear()
    return out
  }
  return { check, drain }
}

// --- configuration -----------------------------------------------------------------------------------------------

const NUMBER = /^\d+(?:\.\d+)?$/

const parseNumber = (raw: string, min: number): number | undefined => {
  const t = raw.trim()
  if (!NUMBER.test(t)) return undefined
  const n = Number(t)
  return Number.isFinite(n) && n >= min ? n : undefined
}

const LOGGER_NAME = /^[A-Za-z0-9_\-.@/]+$/

/**
 * `name:rate:capacity,...`
 *
 * @internal
 */
export const parsePerLogger = (
  raw: string
): Array<{ readonly name: string; readonly rate: number; readonly capacity: number }> | undefined => {
  const out: Array<{ name: string; rate: number; capacity: number }> = []
  for (const part of raw.split(",")) {
    if (part.trim() === "") continue
    const pieces = part.split(":")
    if (pieces.length !== 3) return undefined
    const name = pieces[0]!.trim()
    const rate = parseNumber(pieces[1]!, 0)
    const capacity = parseNumber(pieces[2]!, 1)
    if (!LOGGER_NAME.test(name) || rate === undefined || capacity === undefined) return undefined
    out.push({ name, rate, capacity })
  }
  return out
}

const GLOBAL = "PROVIDE_LOG_RATE_LIMIT_GLOBAL"
const GLOBAL_CAPACITY = "PROVIDE_LOG_RATE_LIMIT_GLOBAL_CAPACITY"
const PER_LOGGER = "PROVIDE_LOG_RATE_LIMIT_PER_LOGGER"

/**
 * The rate limit variables, each with what it accepts and its parser.
 *
 * @internal
 */
export const rateLimitVariables = {
  [GLOBAL]: {
    accepted: "a number of records per second >= 0 (e.g. 100 or 0.5)",
    parse: (raw: string) => parseNumber(raw, 0)
  },
  [GLOBAL_CAPACITY]: {
    accepted: "a number of records >= 1 (the burst size, e.g. 200)",
    parse: (raw: string) => parseNumber(raw, 1)
  },
  [PER_LOGGER]: {
    accepted: `comma-separated name:rate:capacity entries (e.g. "auth:10:20,db.pool:1:5"), rate >= 0, capacity >= 1`,
    parse: parsePerLogger
  }
} as const

/**
 * The rate limit from its variables' texts (`read`: `undefined` when unset; blank counts as unset): the options, or
 * the first rejected variable with its message (the one wording).
 *
 * @internal
 */
export const rateLimitFromEnv = (
  read: (name: keyof typeof rateLimitVariables) => string | undefined
): RateLimitOptions | { readonly name: string; readonly message: string } => {
  const texts = {
    rate: read(GLOBAL),
    capacity: read(GLOBAL_CAPACITY),
    perLogger: read(PER_LOGGER)
  }
  const given = (raw: string | undefined) => raw === undefined || raw.trim() === "" ? undefined : raw
  const rateText = given(texts.rate)
  const capacityText = given(texts.capacity)
  const perLoggerText = given(texts.perLogger)
  const rate = rateText === undefined ? undefined : rateLimitVariables[GLOBAL].parse(rateText)
  if (rateText !== undefined && rate === undefined) {
    return { name: GLOBAL, message: invalidMessage(GLOBAL, rateText, rateLimitVariables[GLOBAL].accepted) }
  }
  const capacity = capacityText === undefined ? undefined : rateLimitVariables[GLOBAL_CAPACITY].parse(capacityText)
  if (capacityText !== undefined && capacity === undefined) {
    return {
      name: GLOBAL_CAPACITY,
      message: invalidMessage(GLOBAL_CAPACITY, capacityText, rateLimitVariables[GLOBAL_CAPACITY].accepted)
    }
  }
  const perLogger = perLoggerText === undefined ? undefined : parsePerLogger(perLoggerText)
  if (perLoggerText !== undefined && perLogger === undefined) {
    return {
      name: PER_LOGGER,
      message: invalidMessage(PER_LOGGER, perLoggerText, rateLimitVariables[PER_LOGGER].accepted)
    }
  }
  if (rate === undefined && capacity !== undefined) {
    return {
      name: GLOBAL_CAPACITY,
      message: `${GLOBAL_CAPACITY}: invalid value ${
        JSON.stringify(String(capacity))
      }; accepted: only together with ${GLOBAL} (set ${GLOBAL} too, or unset ${GLOBAL_CAPACITY})`
    }
  }
  return {
    ...(rate === undefined ? {} : { global: { rate, capacity: capacity ?? Math.max(1, rate) } }),
    ...(perLogger === undefined || perLogger.length === 0 ? {} : { perLogger })
  }
}
