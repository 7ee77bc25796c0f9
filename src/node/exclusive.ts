/**
 * File-system steps that never follow, replace or delete an entry that is not
 * the caller's: a second name that fails on any existing entry, regular-file
 * checks that do not follow symlinks (for the rotating file driver).
 *
 * @internal
 */
import * as fs from "node:fs"

/** @internal */
export const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0

/**
 * An entry (of any kind, a dangling symlink too) at `p`.
 *
 * @internal
 */
export const exists = (p: string): boolean => fs.lstatSync(p, { throwIfNoEntry: false }) !== undefined

/**
 * `to` made a second name of `from`, never replacing an existing entry: `"taken"` when `to` exists,
 * `"none"` where the file system has no hard links.
 *
 * @internal
 */
export const link = (from: string, to: string): "linked" | "taken" | "none" => {
  try {
    fs.linkSync(from, to)
    return "linked"
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === "EEXIST") return "taken"
    if (code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "ENOSYS" || code === "EMLINK") {
      return exists(to) ? "taken" : "none"
    }
    throw e
  }
}

/** A regular file (not a symlink) at `p`. @internal */
export const isRegular = async (p: string): Promise<boolean> => {
  try {
    return (await fs.promises.lstat(p)).isFile()
  } catch {
    return false
  }
}

/** `a` is a regular file and `b` another name of it. @internal */
export const sameFile = async (a: string, b: string): Promise<boolean> => {
  try {
    const [x, y] = await Promise.all([fs.promises.lstat(a), fs.promises.lstat(b)])
    return x.isFile() && x.ino === y.ino && x.dev === y.dev
  } catch {
    return false
  }
}
