/**
 * The Node platform (also Bun, and Deno with permissions): descriptor and file
 * targets (rotating ones too), terminal detection, the exit hook, reopening
 * on a signal. Loaded by the package's
 * `#platform` import under the `"node"` condition.
 *
 * @internal
 */
import * as fs from "node:fs"
import * as path from "node:path"
import * as tty from "node:tty"
import type { FdTarget, Platform } from "../internal/platform.js"
import { onExit, onSignal } from "./exit.js"
import { fdDriver, openAppend } from "./fdDriver.js"
import { RotatingFile } from "./rotatingFile.js"

const fdOf = (target: "stdout" | "stderr" | { readonly fd: number }): number =>
  target === "stdout" ? 1 : target === "stderr" ? 2 : target.fd

/** @internal */
export const platform: Platform | undefined = {
  open: (target: FdTarget, hooks) => {
    if (typeof target === "object" && "file" in target) {
      if (target.rotation !== undefined) {
        if (hooks === undefined) throw new Error("a rotating file needs the sink's hooks")
        return new RotatingFile(`file ${target.file}`, target.file, target.rotation, hooks)
      }
      const fd = openAppend(target.file)
      try {
        return fdDriver(`file ${target.file}`, fd, true, target.file)
      } catch (e) {
        fs.closeSync(fd)
        throw e
      }
    }
    return fdDriver(typeof target === "string" ? target : `fd ${target.fd}`, fdOf(target), false)
  },
  keyOf: (target) =>
    typeof target === "object" && "file" in target ? "file:" + path.resolve(target.file) : identity(fdOf(target)),
  isTerminal: (stream) => {
    try {
      return tty.isatty(stream === "stdout" ? 1 : 2)
    } catch {
      return false
    }
  },
  onExit,
  onSignal,
  report: (text, stream = "stderr") => {
    try {
      const fd = reportFd(stream === "stdout" ? 1 : 2)
      const buf = Buffer.from(text, "utf8")
      // a report (under PIPE_BUF) goes whole or not at all into a pipe
      return fs.writeSync(fd, buf) === buf.length
    } catch {
      // the stream is full or gone
      return false
    }
  }
}

/**
 * What a descriptor is (device and inode), so two descriptors on one pipe,
 * file or terminal (`2>&1`) get one key, hence one sink; `fd:N` when it cannot be told.
 */
const identity = (fd: number): string => {
  try {
    const stat = fs.fstatSync(fd)
    return `ino:${stat.dev}:${stat.ino}`
  } catch {
    return "fd:" + fd
  }
}

const reportFds = new Map<number, number>()
/**
 * Reports go to stderr (or stdout, the fallback of a stderr that cannot take one) without ever blocking: a
 * pipe is opened again non-blocking (Linux), as for sinks; a socket (a child process's stdio) is made
 * non-blocking by Node itself once its `process` stream exists, so that stream is made first.
 */
const reportFd = (fd: 1 | 2): number => {
  const known = reportFds.get(fd)
  if (known !== undefined) return known
  let own: number = fd
  try {
    const stat = fs.fstatSync(fd)
    if (stat.isFIFO() && process.platform === "linux") {
      own = fs.openSync(`/proc/self/fd/${fd}`, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK)
    } else if (stat.isSocket()) {
      void (fd === 1 ? process.stdout : process.stderr)
    }
  } catch {
    // keep the descriptor itself
  }
  reportFds.set(fd, own)
  return own
}
