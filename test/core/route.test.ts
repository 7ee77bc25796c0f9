/**
 * The level decision of a log call without Effect: the lowest matching module level among the outputs, whether it
 * or the minimum level drops a record, and whether an output's own level skips it.
 */
import { describe, expect, it } from "vitest"
import { levelOrdinal } from "../../src/core/level.js"
import { Binding, rootBinding } from "../../src/core/record.js"
import { belowOutput, dropsRecord, type ModuleThreshold, moduleThreshold } from "../../src/core/route.js"

const { critical, debug, error, info, trace, warning } = levelOrdinal

/** A module level by exact logger name (enough for the decision, which only reads the ordinal). */
const modules = (levels: Record<string, number>): ModuleThreshold => (b) =>
  b.name !== undefined && Object.hasOwn(levels, b.name) ? levels[b.name] : undefined

const db = new Binding("db", undefined)
const auth = new Binding("auth", { user: 1 })
const other = new Binding("other", undefined)

describe("core/route", () => {
  it("moduleThreshold is the lowest matching level among the outputs, undefined when none matches", () => {
    const a = modules({ db: error, auth: debug })
    const b = modules({ db: warning })
    expect([
      moduleThreshold([a, b], db),
      moduleThreshold([b, a], db),
      moduleThreshold([a, b], auth),
      moduleThreshold([a, b], other),
      moduleThreshold([], db)
    ]).toEqual([warning, warning, debug, undefined, undefined])
  })

  it("moduleThreshold keeps a matching trace level (ordinal 0)", () => {
    expect(moduleThreshold([modules({ db: info }), modules({ db: trace })], db)).toBe(0)
  })

  it("dropsRecord: the minimum level decides for an unnamed binding, no module levels, or no match", () => {
    const m = [modules({ db: error })]
    expect([
      dropsRecord(m, rootBinding, critical, true),
      dropsRecord(m, rootBinding, trace, false),
      dropsRecord([], db, trace, false),
      dropsRecord([], db, critical, true),
      dropsRecord(m, other, info, true),
      dropsRecord(m, other, info, false)
    ]).toEqual([true, false, false, true, true, false])
  })

  it("dropsRecord: a matching module level decides, above or below the minimum level", () => {
    const m = [modules({ db: error, auth: debug })]
    expect([
      dropsRecord(m, db, warning, false), // below the module level though above the minimum
      dropsRecord(m, db, error, false), // at the module level
      dropsRecord(m, auth, debug, true), // below the minimum, admitted by the module level
      dropsRecord(m, auth, trace, true)
    ]).toEqual([true, false, false, true])
  })

  it("belowOutput: only an output's own level above the record skips it; no level admits everything", () => {
    expect([
      belowOutput({}, db, trace),
      belowOutput({ threshold: undefined }, db, trace),
      belowOutput({ threshold: warning }, db, info),
      belowOutput({ threshold: warning }, db, warning),
      belowOutput({ threshold: warning }, db, error)
    ]).toEqual([false, false, true, false, false])
  })

  it("belowOutput: the output's module level admits a record below the output's own level", () => {
    const d = { threshold: error, moduleThreshold: modules({ auth: debug, db: critical }) }
    expect([
      belowOutput(d, auth, info), // admitted by the module level
      belowOutput(d, auth, trace), // below the module level too
      belowOutput(d, db, warning), // the module level is higher: still below the output
      belowOutput(d, other, info), // no module level for this name
      belowOutput(d, rootBinding, info) // unnamed: module levels do not apply
    ]).toEqual([false, true, true, true, true])
  })
})
