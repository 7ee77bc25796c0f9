/**
 * Rotation's naming and timing, Effect-free: the rotated files' names
 * (`<base>.<UTC time, ms>.<ext>`), the choice of a free name, the periods of a
 * time rotation and how long the binding's rotation fiber sleeps. The file
 * work is the driver's (`src/node/rotatingFile.ts`); the clock is the
 * binding's (`src/internal/rotation.ts`), so times come in as numbers.
 */

/**
 * The last time a name can hold (Date's range): names stay `YYYY-MM-DDTHH-MM-SS.mmm`.
 *
 * @internal
 */
export const MAX_TIME = 253_402_300_799_999

/**
 * A time as a whole millisecond within {@link MAX_TIME} (0 for what is not a finite number).
 *
 * @internal
 */
export const clampTime = (millis: number): number =>
  Number.isFinite(millis) ? Math.min(MAX_TIME, Math.max(0, Math.floor(millis))) : 0

/**
 * `2026-11-30T00-00-00.000` (UTC).
 *
 * @internal
 */
export const stampOf = (millis: number): string =>
  new Date(clampTime(millis)).toISOString().slice(0, 23).replace(/:/g, "-")

/**
 * The time a stamp of {@link stampOf} stands for.
 *
 * @internal
 */
export const timeOf = (stamp: string): number =>
  Date.parse(stamp.slice(0, 10) + "T" + stamp.slice(11, 19).replace(/-/g, ":") + stamp.slice(19) + "Z")

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * The names of the rotated files of `<base><ext>`; groups: the stamp, `.gz`, the
 * random part of a compression's temporary file's name.
 *
 * @internal
 */
export const rotatedPattern = (base: string, ext: string): RegExp =>
  new RegExp(
    `^${escapeRegExp(base)}\\.(\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}\\.\\d{3})${
      escapeRegExp(ext)
    }(?:(\\.gz)(?:\\.([0-9a-f]{16})\\.tmp)?)?$`
  )

/**
 * The first key (a rotated name's time) from `from` on that no file in the folder has (none past the end of time).
 *
 * @internal
 */
export const firstFree = (from: number, taken: ReadonlySet<number>): number | undefined => {
  for (let key = from; key <= MAX_TIME; key++) if (!taken.has(key)) return key
  return undefined
}

/**
 * The key of the next rotated name at `at`: after the last one (`lastKey`), so names sort by age; with the
 * folder's keys known (`taken`, once the first choice was in use), the first free one after it, else from `at`
 * on, else from the start of time.
 *
 * @internal
 */
export const nextKey = (at: number, lastKey: number, taken: ReadonlySet<number> | undefined): number | undefined => {
  const next = Math.max(at, lastKey + 1)
  return taken === undefined ? next : firstFree(next, taken) ?? firstFree(at, taken) ?? firstFree(0, taken)
}

/**
 * The end of the period (of `interval` ms, from the Unix epoch) that holds `now`.
 *
 * @internal
 */
export const boundaryAfter = (now: number, interval: number): number => Math.floor(now / interval) * interval + interval

/**
 * When a file opened at `now` is first due: at once when it holds lines written in an earlier period (`mtime`
 * before the current period), else at the end of the current period.
 *
 * @internal
 */
export const firstDue = (now: number, interval: number, size: number, mtime: number): number =>
  size > 0 && mtime < Math.floor(now / interval) * interval ? now : boundaryAfter(now, interval)

/**
 * The end of the period at `now`: `periodEnd`, unless the clock went back to before the period began (then a
 * period starts again from the clock's new time, so time rotation goes on).
 *
 * @internal
 */
export const periodEndAt = (now: number, periodEnd: number, interval: number): number =>
  now < periodEnd - interval ? boundaryAfter(now, interval) : periodEnd

/**
 * The rotation fiber's longest sleep: an hour (a timer's limit is 24.8 days, and a wall clock that jumps is seen
 * again soon).
 *
 * @internal
 */
export const MAX_SLEEP = 3_600_000

/**
 * How long the rotation fiber sleeps at `now` before a rotation due at `due`: 0 when it is due.
 *
 * @internal
 */
export const sleepBefore = (now: number, due: number): number => due > now ? Math.min(due - now, MAX_SLEEP) : 0
