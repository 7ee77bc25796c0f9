/**
 * The rotating file driver: a regular file written synchronously, one batch
 * per `writeSync` as in `fdDriver.ts`, rotated between two writes.
 *
 * - By size: before a write would take the file past `maxSize`, the whole
 *   lines that fit are written, the file is renamed and a new one opened under
 *   the path, and the rest goes there. A line is never split and nothing is
 *   ever in flight, so the exit hook and the shutdown flush never meet a
 *   rotation half done (it runs within one synchronous step).
 * - By time: the sink asks {@link RotatingFile.dueAt} and calls
 *   {@link RotatingFile.rotateIfDue} on its `Clock` (the decision is Effect's).
 * - Rotated names: `<base>.<UTC time of the Clock, ms>.<ext>`, strictly
 *   increasing (never at or before an existing rotated file's), so they sort by age.
 * - In the background, one pass at a time, after each rotation: rotated files
 *   beyond `maxFiles` are deleted, oldest first, and, with `compress`, the
 *   others are gzipped to `<name>.gz.tmp`, renamed to `<name>.gz` once
 *   complete, and the original removed (the last two steps synchronously
 *   together, so an exit never leaves both with the same lines).
 *
 * Failures of a rotation, a compression or a deletion go to the sink's
 * `failed` hook; the file in use stays in use.
 *
 * @internal
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { pipeline } from "node:stream/promises"
import * as zlib from "node:zlib"
import type { Driver, FileHooks, Rotation, TimeRotation } from "../internal/platform.js"
import { withLinesWritten } from "../internal/platform.js"
import type { WriteFn } from "./fdDriver.js"
import { openAppend } from "./fdDriver.js"

// Date's range: names stay "YYYY-MM-DDTHH-MM-SS.mmm"
const MAX_TIME = 253_402_300_799_999

/**
 * `2026-11-30T00-00-00.000` (UTC).
 *
 * @internal
 */
export const stampOf = (millis: number): string => {
  const ms = Number.isFinite(millis) ? Math.min(MAX_TIME, Math.max(0, Math.floor(millis))) : 0
  return new Date(ms).toISOString().slice(0, 23).replace(/:/g, "-")
}

const timeOf = (stamp: string): number =>
  Date.parse(stamp.slice(0, 10) + "T" + stamp.slice(11, 19).replace(/-/g, ":") + stamp.slice(19) + "Z")

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

const countLines = (buf: Buffer): number => {
  let n = 0
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++
  return n
}

interface Rotated {
  plain: boolean
  gz: boolean
  tmp: boolean
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
    this.pattern = new RegExp(
      `^${escapeRegExp(this.base)}\\.(\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}\\.\\d{3})${
        escapeRegExp(this.ext)
      }(\\.gz(\\.tmp)?)?$`
    )
    this.fd = openAppend(this.file)
    let mtime: number
    try {
      const stat = fs.fstatSync(this.fd)
      if (!stat.isFile()) throw new Error(`rotation needs a regular file, and ${file} is not one`)
      this.size = stat.size
      mtime = stat.mtimeMs
    } catch (e) {
      fs.closeSync(this.fd)
      throw e
    }
    this.limit = spec.maxSize ?? Infinity
    this.lastKey = -1
    for (const stamp of this.scanSync()) this.lastKey = Math.max(this.lastKey, timeOf(stamp))
    if (spec.interval !== undefined) {
      const interval = spec.interval
      const now = hooks.now()
      // a file last written in an earlier period is rotated at once
      this.periodEnd = this.size > 0 && mtime < Math.floor(now / interval) * interval ? now : this.boundaryAfter(now)
      this.rotation = {
        dueAt: () => this.periodEnd,
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

  private boundaryAfter(now: number): number {
    const interval = this.spec.interval!
    return Math.floor(now / interval) * interval + interval
  }

  private rotateIfDue(now: number): void {
    if (now < this.periodEnd) return
    this.periodEnd = this.boundaryAfter(now)
    if (this.closed || this.size === 0) return
    this.rotate()
  }

  /** Renames the file and opens a new one; on failure keeps the current one and waits `maxSize` more bytes. */
  private rotate(): boolean {
    let rotated: string
    try {
      rotated = this.nextName(this.hooks.now())
      fs.renameSync(this.file, rotated)
    } catch (e) {
      return this.rotationFailed(e)
    }
    let fd: number
    try {
      fd = openAppend(this.file)
    } catch (e) {
      try {
        fs.renameSync(rotated, this.file) // the current file keeps its name
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

  /** A rotated name at `now` or later, after every existing one. */
  private nextName(now: number): string {
    let key = Math.max(Math.floor(now), this.lastKey + 1)
    for (let tries = 0; tries < 1000; tries++, key++) {
      const name = path.join(this.dir, `${this.base}.${stampOf(key)}${this.ext}`)
      if (!fs.existsSync(name) && !fs.existsSync(name + ".gz")) {
        this.lastKey = key
        return name
      }
    }
    throw new Error(`no free name for a rotated file next to ${this.file}`)
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
      const r = found.get(m[1]!) ?? { plain: false, gz: false, tmp: false }
      if (m[2] === undefined) r.plain = true
      else if (m[3] === undefined) r.gz = true
      else r.tmp = true
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
        if (r.tmp) await this.remove(file + ".gz.tmp")
      } else if (r.gz) {
        // a compression finished but for removing the original (an exit between the two steps): the .gz is whole
        if (r.plain) await this.remove(file)
        if (r.tmp) await this.remove(file + ".gz.tmp")
      } else if (r.plain && this.spec.compress) await this.compress(file)
      else if (r.tmp && !r.plain) await this.remove(file + ".gz.tmp")
    }
  }

  private async remove(file: string): Promise<void> {
    try {
      await fs.promises.unlink(file)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") this.hooks.failed(e)
    }
  }

  private async compress(file: string): Promise<void> {
    const tmp = file + ".gz.tmp"
    try {
      await pipeline(fs.createReadStream(file), zlib.createGzip(), fs.createWriteStream(tmp))
      // both at once: a .gz only ever exists complete, and never beside its original for long
      fs.renameSync(tmp, file + ".gz")
      fs.unlinkSync(file)
    } catch (e) {
      try {
        fs.unlinkSync(tmp)
      } catch {
        // not created
      }
      this.hooks.failed(e)
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
