/**
 * A driver over a console-like sink of lines (Effect's `Console`, a browser's console): one `log` call per line,
 * without its `"\n"`. Never behind. Shared by both bindings, which hand it their `Console`'s method.
 */
import type { Driver } from "./driver.js"

/**
 * The number of lines of a batch.
 *
 * @internal
 */
export const countLines = (batch: string): number => {
  let n = 0
  for (let i = batch.indexOf("\n"); i >= 0; i = batch.indexOf("\n", i + 1)) n++
  return n
}

/** @internal */
export const consoleDriver = (name: string, log: (line: string) => void): Driver => {
  const write = (batch: string): boolean => {
    let start = 0
    for (let nl = batch.indexOf("\n"); nl >= 0; nl = batch.indexOf("\n", start)) {
      log(batch.slice(start, nl))
      start = nl + 1
    }
    return true
  }
  return {
    name,
    lags: false,
    write,
    writeSync: (batch) => (write(batch), countLines(batch)),
    abandon: () => 0,
    close: () => {}
  }
}
