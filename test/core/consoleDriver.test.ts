/**
 * The console driver without Effect: a batch of whole lines becomes one `log` call per line without its newline,
 * synchronous writes count the lines, and the driver never lags.
 */
import { describe, expect, it } from "vitest"
import { consoleDriver, countLines } from "../../src/core/consoleDriver.js"

const recording = () => {
  const logged: Array<string> = []
  return { logged, driver: consoleDriver("console", (line) => logged.push(line)) }
}

describe("core/consoleDriver", () => {
  it("countLines counts the newlines of a batch", () => {
    expect(["", "no newline", "a\n", "a\nb\n", "\n\n\n", "a\nb"].map(countLines)).toEqual([0, 0, 1, 2, 3, 1])
  })

  it("write logs each line without its newline, empty lines included, and is done at once", () => {
    const { driver, logged } = recording()
    let doneCalls = 0
    expect(driver.write("first\n\nthird {\"a\":1}\n", () => doneCalls++)).toBe(true)
    expect(logged).toEqual(["first", "", "third {\"a\":1}"])
    expect(doneCalls).toBe(0)
  })

  it("an empty batch logs nothing", () => {
    const { driver, logged } = recording()
    expect([driver.write("", () => {}), driver.writeSync("", 100)]).toEqual([true, 0])
    expect(logged).toEqual([])
  })

  it("writeSync logs the lines and returns how many went out", () => {
    const { driver, logged } = recording()
    expect(driver.writeSync("a\nb\nc\n", 1_000)).toBe(3)
    expect(logged).toEqual(["a", "b", "c"])
  })

  it("is named as given, never lags, has nothing to abandon, reopen or rotate, and closes without effect", () => {
    const { driver, logged } = recording()
    driver.close()
    expect([driver.name, driver.lags, driver.abandon(), driver.reopen, driver.rotation]).toEqual([
      "console",
      false,
      0,
      undefined,
      undefined
    ])
    driver.write("after close\n", () => {})
    expect(logged).toEqual(["after close"])
  })

  it("a log that throws fails the write at once, after the lines before it", () => {
    const logged: Array<string> = []
    const driver = consoleDriver("console", (line) => {
      if (line === "bad") throw new Error("console gone")
      logged.push(line)
    })
    expect(() => driver.write("ok\nbad\nnever\n", () => {})).toThrow("console gone")
    expect(logged).toEqual(["ok"])
  })
})
