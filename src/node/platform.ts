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
    typeof target === "object" && "file" in target ? "file:" + path.resolve(target.file) : "fd:" + fdOf(target),
  isTerminal: (stream) => {
    try {
      return tty.isatty(stream === "stdout" ? 1 : 2)
    } catch {
      return false
    }
  },
  onExit,
  onSignal,
  report: (text) => {
    try {
      fs.writeSync(reportFd(), text)
    } catch {
      // stderr is full or gone: nothing left to tell
    }
  }
}

let stderrFd: number | undefined
/** Reports go to stderr without ever blocking: a pipe is opened again non-blocking (Linux), as for sinks. */
const reportFd = (): number => {
  if (stderrFd !== undefined) return stderrFd
  stderrFd = 2
  try {
    const stat = fs.fstatSync(2)
    if ((stat.isFIFO() || stat.isSocket()) && process.platform === "linux") {
      stderrFd = fs.openSync("/proc/self/fd/2", fs.constants.O_WRONLY | fs.constants.O_NONBLOCK)
    }
  } catch {
    // keep fd 2
  }
  return stderrFd
}
