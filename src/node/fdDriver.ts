/**
 * The descriptor driver: synchronous writes that always know which bytes left.
 *
 * - A regular file or `/dev/null` is never behind: each batch is written at
 *   once with `writeSync` (a 64 KiB batch to the page cache takes
 *   microseconds). Nothing is ever in flight, so exit, rotation and reopen
 *   never race a write. A short write (a disk filling up) is continued at
 *   once, and says why (`ENOSPC`) when it cannot be.
 * - A pipe, a socket or a terminal can be behind (a reader that stalls, a
 *   terminal paused with Ctrl-S): a pipe or a terminal is opened again through
 *   `/proc/self/fd/N` with `O_NONBLOCK` on Linux (a file description of our
 *   own, so the mode of the shared one, and of the other processes on it, is
 *   left alone); a socket cannot be, so its description is made non-blocking as
 *   Node itself does for its stdio (a blocking one, journald's kind, would
 *   freeze the loop). Writes never block on a non-blocking descriptor:
 *   a full one answers `EAGAIN` or takes part of the batch, the rest waits in
 *   the driver and is retried on an unref'd timer while the sink's queue
 *   applies its overflow policy. Writes are cut at line ends into pieces of at
 *   most `PIPE_BUF` (4 KiB), which a pipe (and a Unix socket, one buffer at a
 *   time) takes whole or not at all: a line shorter than that is never split,
 *   even when the reader stops (a terminal can take part of a line).
 *
 * At exit (`writeSync`) what is in flight is finished synchronously, retrying
 * `EAGAIN` with 1 ms sleeps until the deadline.
 *
 * A batch that failed or was given up partway through a line leaves that line
 * torn: the next batch starts with a `"\n"` that ends it, so its own first line
 * starts clean; only the lines that went out whole count as written.
 *
 * @internal
 */
import * as fs from "node:fs"
import * as net from "node:net"
import * as path from "node:path"
import * as tty from "node:tty"
import type { Driver } from "../core/driver.js"
import { linesWritten, withLinesWritten } from "../core/driver.js"

/**
 * `fs.writeSync`'s shape: bytes `buf[off, off + len)` to `fd`; returns how many went (a short count when the
 * disk fills up), throws on errors (`ENOSPC`, `EAGAIN`).
 *
 * @internal
 */
export type WriteFn = (fd: number, buf: Buffer, off: number, len: number) => number

const writeSyncFs: WriteFn = (fd, buf, off, len) => fs.writeSync(fd, buf, off, len)

/** Bytes a pipe writes atomically (POSIX guarantees 512; Linux and macOS give 4096). */
const PIPE_BUF = 4096

const sleepSync = (ms: number): void => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
  } catch {
    // not allowed on this thread
  }
}

const isEagain = (e: unknown): boolean => {
  const code = (e as NodeJS.ErrnoException | undefined)?.code
  return code === "EAGAIN" || code === "EWOULDBLOCK"
}

/** How many whole lines `buf` holds before `end`. */
const linesBefore = (buf: Buffer, end: number): number => {
  let n = 0
  let i = buf.indexOf(10)
  while (i >= 0 && i < end) {
    n++
    i = buf.indexOf(10, i + 1)
  }
  return n
}

/**
 * Creates the parent folders of `file`. Node's recursive `mkdirSync` can loop
 * forever under `/proc`; this walks up to the first existing ancestor, then
 * creates each level once.
 *
 * @internal
 */
export const makeParents = (file: string): void => {
  const missing: Array<string> = []
  let dir = path.dirname(path.resolve(file))
  for (;;) {
    try {
      if (fs.statSync(dir).isDirectory()) break
      throw Object.assign(new Error(`ENOTDIR: not a directory, '${dir}'`), { code: "ENOTDIR" })
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e
    }
    missing.push(dir)
    const parent = path.dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      fs.mkdirSync(missing[i]!)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e
    }
  }
}

/** @internal */
export class FdDriver implements Driver {
  // the batch in flight (pipes only): bytes, how far it got, who to tell
  private buf: Buffer | undefined = undefined
  private off = 0
  /** the batch in flight starts with a "\n" of ours that ends a torn line (not one of its lines) */
  private prefix = 0
  /** the last byte written is not a line end: a batch that failed (a full disk) or was given up partway */
  torn = false
  private done: ((error?: unknown) => void) | undefined = undefined
  private timer: ReturnType<typeof setTimeout> | undefined = undefined
  private delay = 1
  /** Closed: the descriptor number may already belong to another file or socket; nothing is written again. */
  private closed = false

  constructor(
    readonly name: string,
    private fd: number,
    private readonly owned: boolean,
    /** A pipe or socket: written in line-aligned pieces of at most PIPE_BUF. */
    private readonly stream: boolean,
    public lags: boolean,
    private readonly file: string | undefined,
    private readonly writeFn: WriteFn = writeSyncFs
  ) {}

  /** The batch in flight from now on; after a torn line, a "\n" first, so that its first line starts clean. */
  private load(batch: string): void {
    this.prefix = this.torn ? 1 : 0
    this.buf = Buffer.from(this.torn ? "\n" + batch : batch, "utf8")
    this.off = 0
  }

  /** How many of the lines of the batch in flight went out whole. */
  private went(): number {
    return this.buf === undefined ? 0 : Math.max(0, linesBefore(this.buf, this.off) - this.prefix)
  }

  write(batch: string, done: (error?: unknown) => void): boolean {
    if (this.closed) throw closedError(this.name)
    this.load(batch)
    let finished: boolean
    try {
      finished = this.push()
    } catch (e) {
      const went = this.went()
      this.buf = undefined
      throw withLinesWritten(e, went)
    }
    if (finished) {
      this.buf = undefined
      return true
    }
    // the target is behind (a full pipe; or a descriptor that turned out to be non-blocking)
    this.lags = true
    this.done = done
    this.schedule()
    return false
  }

  /** Writes as much of the batch in flight as the target takes now; `true` when all of it went. Throws on errors but EAGAIN. */
  private push(): boolean {
    const buf = this.buf!
    while (this.off < buf.length) {
      let end = buf.length
      if (this.stream && end - this.off > PIPE_BUF) {
        // whole lines, at most PIPE_BUF bytes (a longer line goes alone)
        const nl = buf.lastIndexOf(10, this.off + PIPE_BUF - 1)
        end = nl >= this.off ? nl + 1 : buf.indexOf(10, this.off + PIPE_BUF) + 1 || buf.length
      }
      let n: number
      try {
        n = this.writeFn(this.fd, buf, this.off, end - this.off)
      } catch (e) {
        if (isEagain(e)) return false
        throw e
      }
      if (n <= 0) return false
      this.off += n
      this.torn = buf[this.off - 1] !== 10
      // a file that took part of it (a disk filling up): the rest at once, which says why (ENOSPC) if it fails
      if (this.off < end && this.stream) return false
    }
    return true
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.retry(), this.delay)
    this.timer.unref?.()
  }

  private retry(): void {
    this.timer = undefined
    if (this.buf === undefined) return
    const before = this.off
    let finished: boolean
    try {
      finished = this.push()
    } catch (e) {
      return this.settle(withLinesWritten(e, this.went()))
    }
    if (finished) return this.settle(undefined)
    // back off while the reader does not move (1 ms .. 50 ms), at once again when it does
    this.delay = this.off > before ? 1 : Math.min(50, this.delay * 2)
    this.schedule()
  }

  private settle(error: unknown): void {
    const done = this.done
    this.buf = undefined
    this.done = undefined
    done?.(error)
  }

  writeSync(batch: string, timeoutMillis: number): number {
    if (this.closed) throw closedError(this.name)
    const deadline = Date.now() + timeoutMillis
    let lines = 0
    if (this.buf !== undefined) {
      if (this.timer !== undefined) clearTimeout(this.timer)
      this.timer = undefined
      this.done = undefined
      lines += this.finish(deadline)
    }
    if (batch !== "") {
      this.load(batch)
      try {
        lines += this.finish(deadline)
      } catch (e) {
        throw withLinesWritten(e, lines + linesWritten(e))
      }
    }
    return lines
  }

  /** Writes the batch in flight until it is done or the deadline passes; returns its lines that went out whole. */
  private finish(deadline: number): number {
    try {
      while (!this.push()) {
        if (Date.now() >= deadline) break
        sleepSync(1)
      }
      return this.went()
    } catch (e) {
      throw withLinesWritten(e, this.went())
    } finally {
      this.buf = undefined
    }
  }

  abandon(): number {
    if (this.buf === undefined) return 0
    if (this.timer !== undefined) clearTimeout(this.timer)
    const lines = this.went()
    this.timer = undefined
    this.buf = undefined
    this.done = undefined
    return lines
  }

  reopen(): void {
    if (this.file === undefined || this.closed) return
    const fd = openAppend(this.file)
    const old = this.fd
    this.fd = fd
    // a torn line belongs to the file written so far, unless this is the same one (nothing was rotated)
    this.torn &&= fs.fstatSync(fd).size > 0
    try {
      fs.closeSync(old)
    } catch {
      // already closed
    }
  }

  close(): void {
    this.abandon()
    this.closed = true
    if (!this.owned) return
    try {
      fs.closeSync(this.fd)
    } catch {
      // already closed
    }
  }
}

const closedError = (name: string): Error =>
  Object.assign(new Error(`log sink (${name}) is closed`), { code: "ECLOSED" })

/**
 * Opens `file` for appending, creating its folders.
 *
 * @internal
 */
export const openAppend = (file: string): number => {
  makeParents(file)
  return fs.openSync(file, "a")
}

/** Node's own `process.stdout` / `process.stderr` for descriptors 1 and 2 (made once, never destroyed). */
const nonBlockingHandles = new Map<number, unknown>()

/**
 * Makes the description of socket `fd` non-blocking, as Node itself does as soon as `process.stdout` or
 * `process.stderr` is first used (libuv opens stdio sockets non-blocking): through those for 1 and 2, through a
 * write-only `net.Socket` that never reads or writes (and is never closed) for others. A socket cannot be opened
 * again through `/proc` like a pipe, so there is no description of our own to make non-blocking.
 */
const makeNonBlocking = (fd: number): void => {
  if (nonBlockingHandles.has(fd)) return
  const handle = fd === 1
    ? process.stdout
    : fd === 2
    ? process.stderr
    : new net.Socket({ fd, readable: false, writable: true })
  nonBlockingHandles.set(fd, handle)
}

/** Opens `fd`'s file again, write-only and non-blocking: a description of our own (Linux), or `undefined`. */
const reopenNonBlocking = (fd: number): number | undefined => {
  try {
    const { O_WRONLY, O_NONBLOCK, O_NOCTTY } = fs.constants
    return fs.openSync(`/proc/self/fd/${fd}`, O_WRONLY | O_NONBLOCK | O_NOCTTY)
  } catch {
    // a socket, no /proc, no permission, or a FIFO with no reader
    return undefined
  }
}

/**
 * A driver for descriptor `fd`: synchronous for files and terminals; for a pipe
 * or socket, non-blocking on a description of our own where the system allows.
 *
 * @internal
 */
export const fdDriver = (name: string, fd: number, owned: boolean, file?: string): FdDriver => {
  const stat = fs.fstatSync(fd)
  // a terminal can be paused (Ctrl-S) and then blocks like a full pipe: written the same way
  const terminal = stat.isCharacterDevice() && tty.isatty(fd)
  const stream = stat.isFIFO() || stat.isSocket() || terminal
  if (stream && process.platform === "linux") {
    const own = reopenNonBlocking(fd)
    if (own !== undefined) {
      if (owned) fs.closeSync(fd)
      return new FdDriver(name, own, true, true, true, file)
    }
  }
  if (stat.isSocket()) {
    // A blocking socket (journald's stderr) would freeze the loop while its reader stalls: non-blocking, as
    // Node's own stdio. One made non-blocking by its creator (Node's child_process pipes) is left as it is.
    try {
      makeNonBlocking(fd)
      return new FdDriver(name, fd, owned, true, true, file)
    } catch {
      // Node cannot open it: blocking writes on the descriptor itself
    }
  }
  // EAGAIN from a descriptor made non-blocking by someone else turns the driver into a lagging one
  return new FdDriver(name, fd, owned, stream, false, file)
}
