/**
 * The rotating file driver: a regular file written synchronously, one batch
 * per `writeSync` as in `fdDriver.ts`, rotated between two writes.
 *
 * - By size: before a write would take the file past `maxSize`, the whole
 *   lines that fit are written, the file is moved aside and a new one opened under
 *   the path, and the rest goes there. A line is never split and nothing is
 *   ever in flight, so the exit hook and the shutdown flush never meet a
 *   rotation half done (it runs within one synchronous step).
 * - By time: the sink asks {@link RotatingFile.dueAt} and calls
 *   {@link RotatingFile.rotateIfDue} on its `Clock` (the decision is Effect's).
 * - Rotated names: `<base>.<UTC time of the Clock, ms>.<ext>`, strictly
 *   increasing (never at or before an existing rotated file's), so they sort by age;
 *   when no name after the newest is left (a file named at the end of time), from
 *   the Clock's time on. A clock that jumps back more than an interval starts the
 *   period again from its new time, so time rotation goes on.
 * - Nothing of anyone else's is followed, replaced or deleted: the file gets its
 *   rotated name by a hard link that fails on any existing entry (then the path is
 *   unlinked; a rename where the file system has no hard links, once the name is seen
 *   free), a name in use is skipped, compression reads with `O_NOFOLLOW` and writes a
 *   temporary file of a random name created exclusively (`O_EXCL | O_NOFOLLOW`), and
 *   only regular files are deleted.
 * - In the background, one pass at a time, after each rotation: rotated files
 *   beyond `maxFiles` are deleted, oldest first, and, with `compress`, the
 *   others are gzipped to `<name>.gz.<random>.tmp`, linked to `<name>.gz` once
 *   complete, and the original and the temporary name removed (synchronously
 *   together; after an exit between, the next start finishes the job when the
 *   `.gz` is provably the temporary file, and otherwise keeps both).
 *
 * Failures of a rotation, a compression or a deletion go to the sink's
 * `failed` hook; the file in use stays in use.
 *
 * @internal
 */
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { pipeline } from "node:stream/promises"
import * as zlib from "node:zlib"
import type { Driver, FileHooks, Rotation, TimeRotation } from "../core/driver.js"
import { withLinesWritten } from "../core/driver.js"
import {
  boundaryAfter,
  clampTime,
  firstDue,
  MAX_TIME,
  nextKey,
  periodEndAt,
  rotatedPattern,
  stampOf,
  timeOf
} from "../core/rotation.js"
import { exists, isRegular, link, NOFOLLOW, sameFile } from "./exclusive.js"
import type { WriteFn } from "./fdDriver.js"
import { openAppend } from "./fdDriver.js"

/** @internal */
export { stampOf }

const countLines = (buf: Buffer): number => {
  let n = 0
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++
  return n
}

interface Rotated {
  plain: boolean
  gz: boolean
  /** temporary files of a compression cut short */
  tmps: Array<string>
}

/** @internal */
export class RotatingFile implements Driver {
  readonly lags = false
  readonly rotation: TimeRotation | undefined
  private readonly file: string
  private readonly dir: string
  private readonly base: string
  private readonly ext: string
  private readonly pattern: RegExp
  private fd: number
  private size: number
  /** the size at which the next size rotation happens (grows by `maxSize` after a failed one) */
  private limit: number
  /** the time of the last rotated name */
  private lastKey: number
  private periodEnd = Infinity
  private closed = false
  // the background pass (retention, compression): one at a time, again when asked meanwhile
  private dirty = false
  private running = false
  /** the file in use ends in a torn line (a disk that filled up partway through a batch): the next batch ends it first */
  torn = false
  /** how far into the batch being written the writes got */
  private reached = 0

  constructor(
    readonly name: string,
    file: string,
    private readonly spec: Rotation,
    private readonly hooks: FileHooks,
    private readonly writeFn: WriteFn = (fd, buf, off, len) => fs.writeSync(fd, buf, off, len)
  ) {
    this.file = path.resolve(file)
    this.dir = path.dirname(this.file)
    this.ext = path.extname(this.file)
    this.base = path.basename(this.file, this.ext)
    // groups: the stamp, ".gz", the random part of a temporary file's name
    this.pattern = rotatedPattern(this.base, this.ext)
    this.fd = openAppend(this.file)
    let stat: fs.Stats
    try {
      stat = fs.fstatSync(this.fd)
      if (!stat.isFile()) throw new Error(`rotation needs a regular file, and ${file} is not one`)
      if (stat.nlink > 1 && this.finishMove(stat)) {
        fs.closeSync(this.fd)
        this.fd = -1
        this.fd = openAppend(this.file)
        stat = fs.fstatSync(this.fd)
      }
    } catch (e) {
      if (this.fd >= 0) fs.closeSync(this.fd)
      throw e
    }
    this.size = stat.size
    const mtime = stat.mtimeMs
    this.limit = spec.maxSize ?? Infinity
    this.lastKey = -1
    for (const stamp of this.scanSync()) this.lastKey = Math.max(this.lastKey, timeOf(stamp))
    if (spec.interval !== undefined) {
      const interval = spec.interval
      const now = hooks.now()
      // a file last written in an earlier period is rotated at once
      this.periodEnd = firstDue(now, interval, this.size, mtime)
      this.rotation = {
        dueAt: () => this.dueAt(),
        rotateIfDue: (now) => this.rotateIfDue(now)
      }
    }
    if (spec.maxFiles !== undefined || spec.compress) this.maintain()
  }

  // -- writing ------------------------------------------------------------------------------------------------------

  write(batch: string): boolean {
    this.put(batch)
    return true
  }

  writeSync(batch: string): number {
    if (batch === "") return 0
    const buf = Buffer.from(batch, "utf8")
    if (this.closed) {
      // a line after close: appended on a descriptor of its own (after ending a torn line)
      const fd = fs.openSync(this.file, "a")
      try {
        if (this.torn) this.writeAll(fd, Buffer.from("\n"), 0, 1)
        this.torn = false
        this.writeAll(fd, buf, 0, buf.length)
      } finally {
        fs.closeSync(fd)
      }
    } else this.put(batch)
    return countLines(buf)
  }

  /**
   * Writes `batch` (whole lines), rotating by size on the way. After a torn line a "\n" goes first, so that the
   * batch's first line starts clean. A failure says how many of its lines went out whole.
   */
  private put(batch: string): void {
    const prefix = this.torn ? 1 : 0
    const buf = Buffer.from(prefix === 1 ? "\n" + batch : batch, "utf8")
    this.reached = 0
    try {
      this.putFrom(buf)
    } catch (e) {
      throw withLinesWritten(e, Math.max(0, countLines(buf.subarray(0, this.reached)) - prefix))
    }
  }

  private putFrom(buf: Buffer): void {
    let off = 0
    while (off < buf.length) {
      let end = buf.length
      if (this.size + (end - off) > this.limit) {
        const room = this.limit - this.size
        const nl = room > 0 ? buf.lastIndexOf(10, off + room - 1) : -1
        if (nl >= off) end = nl + 1 // the lines that fit, then a rotation
        else if (this.size > 0) {
          this.rotate()
          continue
        } else end = buf.indexOf(10, off) + 1 || buf.length // a line longer than maxSize: a file of its own
      }
      this.writeAll(this.fd, buf, off, end)
      off = end
    }
  }

  private writeAll(fd: number, buf: Buffer, from: number, to: number): void {
    for (let off = from; off < to;) {
      const n = this.writeFn(fd, buf, off, to - off)
      if (n <= 0) throw Object.assign(new Error(`no byte written to ${this.file}`), { code: "EIO" })
      off += n
      if (fd === this.fd) {
        this.size += n
        this.reached = off
        this.torn = buf[off - 1] !== 10
      }
    }
  }

  abandon(): number {
    return 0
  }

  // -- rotation -----------------------------------------------------------------------------------------------------

  /** The end of the period; a clock gone back to before the period starts one again from its new time. */
  private dueAt(): number {
    this.periodEnd = periodEndAt(this.hooks.now(), this.periodEnd, this.spec.interval!)
    return this.periodEnd
  }

  private rotateIfDue(now: number): void {
    if (now < this.periodEnd) return
    this.periodEnd = boundaryAfter(now, this.spec.interval!)
    if (this.closed || this.size === 0) return
    this.rotate()
  }

  /** Renames the file and opens a new one; on failure keeps the current one and waits `maxSize` more bytes. */
  private rotate(): boolean {
    let rotated: string
    try {
      rotated = this.moveAside(this.hooks.now())
    } catch (e) {
      return this.rotationFailed(e)
    }
    let fd: number
    try {
      fd = openAppend(this.file)
    } catch (e) {
      try {
        if (!exists(this.file)) fs.renameSync(rotated, this.file) // the current file keeps its name
      } catch {
        // it goes on under the rotated name
      }
      return this.rotationFailed(e)
    }
    this.swap(fd)
    this.hooks.rotated(rotated)
    this.maintain()
    return true
  }

  private rotationFailed(e: unknown): false {
    if (this.spec.maxSize !== undefined) this.limit = this.size + this.spec.maxSize
    this.hooks.failed(e)
    return false
  }

  /**
   * Gives the file a rotated name at `now` or later, after every existing one (from `now` on when none is left
   * after them), that no entry of the folder has: that name.
   */
  private moveAside(now: number): string {
    const at = clampTime(now)
    let taken: Set<number> | undefined // the folder's stamps, read once the first choice is in use
    for (let tries = 0; tries < 16; tries++) {
      const key = nextKey(at, this.lastKey, taken)
      if (key !== undefined && key <= MAX_TIME) {
        const name = path.join(this.dir, `${this.base}.${stampOf(key)}${this.ext}`)
        if (this.moveTo(name)) {
          this.lastKey = key
          return name
        }
      }
      taken ??= new Set(this.scanSync().map(timeOf))
      if (key !== undefined) taken.add(key)
    }
    throw new Error(`no free name for a rotated file next to ${this.file}`)
  }

  /** The file under `name` and no more under its path; `false` when `name` (or its `.gz`) is in use. */
  private moveTo(name: string): boolean {
    if (exists(name + ".gz")) return false
    const made = link(this.file, name)
    if (made === "taken") return false
    if (made === "none") fs.renameSync(this.file, name)
    else {
      try {
        fs.unlinkSync(this.file)
      } catch (e) {
        fs.unlinkSync(name) // our own second name: the file stays as it was
        throw e
      }
    }
    return true
  }

  /** An exit between the two steps of a rotation left the file under a rotated name too: the path is let go. */
  private finishMove(stat: fs.Stats): boolean {
    try {
      for (const n of fs.readdirSync(this.dir)) {
        const m = this.pattern.exec(n)
        if (m === null || m[2] !== undefined) continue
        const other = fs.lstatSync(path.join(this.dir, n), { throwIfNoEntry: false })
        if (other !== undefined && other.ino === stat.ino && other.dev === stat.dev) {
          fs.unlinkSync(this.file)
          return true
        }
      }
    } catch {
      // appended to as it is
    }
    return false
  }

  // -- external rotation, close -------------------------------------------------------------------------------------

  reopen(): void {
    this.swap(openAppend(this.file))
  }

  /** Writes go to `fd` from now on (a new file: its size counts from what it holds); the old descriptor is closed. */
  private swap(fd: number): void {
    const old = this.fd
    this.fd = fd
    this.size = sizeOf(fd)
    this.torn &&= this.size > 0 // a torn line stays with the file it is in
    this.limit = this.spec.maxSize ?? Infinity
    try {
      fs.closeSync(old)
    } catch {
      // already closed
    }
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    try {
      fs.closeSync(this.fd)
    } catch {
      // already closed
    }
  }

  // -- retention and compression, in the background ------------------------------------------------------------------

  private scanSync(): Array<string> {
    try {
      return fs.readdirSync(this.dir).flatMap((n) => {
        const m = this.pattern.exec(n)
        return m === null ? [] : [m[1]!]
      })
    } catch {
      return []
    }
  }

  private maintain(): void {
    if (this.spec.maxFiles === undefined && !this.spec.compress) return
    this.dirty = true
    if (this.running) return
    this.running = true
    void this.loop()
  }

  private async loop(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false
        await this.pass()
      }
    } catch (e) {
      this.hooks.failed(e)
    } finally {
      this.running = false
    }
  }

  private async pass(): Promise<void> {
    let names: Array<string>
    try {
      names = await fs.promises.readdir(this.dir)
    } catch (e) {
      return this.hooks.failed(e)
    }
    const found = new Map<string, Rotated>()
    for (const n of names) {
      const m = this.pattern.exec(n)
      if (m === null) continue
      const r = found.get(m[1]!) ?? { plain: false, gz: false, tmps: [] }
      if (m[2] === undefined) r.plain = true
      else if (m[3] === undefined) r.gz = true
      else r.tmps.push(path.join(this.dir, n))
      found.set(m[1]!, r)
    }
    const stamps = Array.from(found.keys()).sort()
    const excess = this.spec.maxFiles === undefined ? 0 : Math.max(0, stamps.length - this.spec.maxFiles)
    for (let i = 0; i < stamps.length; i++) {
      const file = path.join(this.dir, `${this.base}.${stamps[i]}${this.ext}`)
      const r = found.get(stamps[i]!)!
      if (i < excess) {
        // the oldest beyond maxFiles
        if (r.plain) await this.remove(file)
        if (r.gz) await this.remove(file + ".gz")
        for (const tmp of r.tmps) await this.remove(tmp)
        continue
      }
      for (const tmp of r.tmps) {
        // a compression finished but for removing the original (an exit between the steps): the .gz is whole
        if (r.plain && r.gz && (await sameFile(tmp, file + ".gz"))) {
          await this.remove(file)
          r.plain = false
        }
        await this.remove(tmp) // cut short, or done
      }
      if (r.plain && !r.gz && this.spec.compress) await this.compress(file)
    }
  }

  /** Deletes `file` if it is a regular file (a symlink or anything else of that name is not the rotation's). */
  private async remove(file: string): Promise<void> {
    if (!(await isRegular(file))) return
    try {
      await fs.promises.unlink(file)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") this.hooks.failed(e)
    }
  }

  private async compress(file: string): Promise<void> {
    const gz = file + ".gz"
    const tmp = `${gz}.${crypto.randomBytes(8).toString("hex")}.tmp`
    let made = false
    try {
      const src = await fs.promises.open(file, fs.constants.O_RDONLY | NOFOLLOW)
      try {
        const stat = await src.stat()
        if (!stat.isFile()) return // not a rotated file: left alone
        const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | NOFOLLOW
        const out = await fs.promises.open(tmp, flags, stat.mode & 0o666)
        made = true
        await pipeline(src.createReadStream({ autoClose: false }), zlib.createGzip(), out.createWriteStream())
      } finally {
        await src.close()
      }
      // at once: a .gz only ever exists complete, and never beside its original for long
      const linked = link(tmp, gz)
      if (linked === "taken") throw new Error(`${gz} is in use: ${file} is left as it is`)
      if (linked === "none") fs.renameSync(tmp, gz)
      fs.unlinkSync(file)
      if (linked === "linked") fs.unlinkSync(tmp)
    } catch (e) {
      if (made) {
        try {
          fs.unlinkSync(tmp)
        } catch {
          // gone already
        }
      }
      // a symlink of a rotated file's name (ELOOP) is not the rotation's: left alone
      if ((e as NodeJS.ErrnoException).code !== "ELOOP") this.hooks.failed(e)
    }
  }
}

const sizeOf = (fd: number): number => {
  try {
    return fs.fstatSync(fd).size
  } catch {
    return 0
  }
}
