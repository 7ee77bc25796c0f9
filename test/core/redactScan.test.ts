/**
 * The string scans of redaction, without Effect: fixed-prefix secrets (JWT, AWS key ids, GitHub tokens, Bearer
 * tokens, PEM private keys), URL and Go DSN passwords, command-line flags, `key=value` pairs, user patterns and the
 * key-tail filter. Each real secret is masked, its look-alikes are left alone.
 */
import { describe, expect, it } from "vitest"
import {
  globalCopy,
  maskCustom,
  maskDsnPasswords,
  maskFlags,
  maskPairs,
  maskSecrets,
  maskUrlPasswords,
  redactedMarker,
  SECRET_HINT,
  tailTable
} from "../../src/core/redactScan.js"

const R = redactedMarker
const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk"
const hiddenKeys = ["password", "db-password", "token", "secret", "api_key", "authorization", "pass", "x-api-key"]
const hidden = (key: string): boolean => hiddenKeys.includes(key.toLowerCase()) || /^password\d$/i.test(key)
const tails = tailTable([...hiddenKeys, "hash"])
const pairs = (s: string): string => maskPairs(s, hidden, tails)

describe("core/redactScan", () => {
  it("masks JWTs, AWS key ids and GitHub tokens whole, and not their look-alikes", () => {
    expect(R).toBe("[REDACTED]")
    expect([
      `token ${jwt} end`,
      "key AKIAIOSFODNN7EXAMPLE here",
      "ASIAIOSFODNN7EXAMPLE",
      "ghp_" + "a".repeat(36),
      "github_pat_" + "A1_".repeat(8)
    ].map(maskSecrets)).toEqual([`token ${R} end`, `key ${R} here`, R, R, R])
    const alike = [
      "eyJabc.eyJdef.x", // parts too short
      "x" + jwt, // no token boundary before it
      "AKIAIOSFODNN7EXAMPLEX", // 17 characters after the prefix
      "xAKIAIOSFODNN7EXAMPLE",
      "AKIAiosfodnn7example", // lower case
      "ghp_" + "a".repeat(35), // one short
      "ghx_" + "a".repeat(36) // no such prefix
    ]
    expect(alike.map(maskSecrets)).toEqual(alike)
  })

  it("masks the token after Bearer, keeping the scheme, but leaves prose alone", () => {
    expect([
      "Authorization: Bearer abc.def-123",
      "BEARER xyz9",
      "bearer\txyz9",
      "Bearer aBcdef",
      "Bearer " + "a".repeat(20)
    ].map(maskSecrets)).toEqual([
      `Authorization: Bearer ${R}`,
      `BEARER ${R}`,
      `bearer\t${R}`,
      `Bearer ${R}`,
      `Bearer ${R}`
    ])
    const prose = ["Bearer of bad news", "the Bearer token.", "bearer bonds", "Bearer Abcdef", "notBearer xyz9"]
    expect(prose.map(maskSecrets)).toEqual(prose)
  })

  it("masks a PEM private key's body between its armour lines, or to the end when cut", () => {
    expect(maskSecrets("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY----- ok"))
      .toBe(`-----BEGIN RSA PRIVATE KEY-----${R}-----END RSA PRIVATE KEY----- ok`)
    expect(maskSecrets("x -----BEGIN PRIVATE KEY-----\nMIIEcut")).toBe(`x -----BEGIN PRIVATE KEY-----${R}`)
    const pub = "-----BEGIN PUBLIC KEY-----\nMIIE\n-----END PUBLIC KEY-----"
    const empty = "-----BEGIN PRIVATE KEY----------END PRIVATE KEY-----"
    expect([maskSecrets(pub), maskSecrets(empty)]).toEqual([pub, empty])
  })

  it("SECRET_HINT finds every literal prefix the secret scan starts with, and nothing else", () => {
    const hints = [
      "eyJ",
      "ghp_",
      "ghr_",
      "github_pat_",
      "bearer",
      "Bearer",
      "BEARER",
      "-----BEGIN",
      "AKIA",
      "ASIA",
      "AROA"
    ]
    expect(hints.filter((s) => SECRET_HINT.test(s))).toEqual(hints)
    expect(["hello", "beArer", "akia", "AKIB", "ghx_", "-----END", "eyj"].filter((s) => SECRET_HINT.test(s)))
      .toEqual([])
  })

  it("masks URL passwords, keeping the user and the host", () => {
    expect([
      "postgres://user:s3cret@db:5432/app",
      "connect to https://bob:hunter2@example.com/path?x=1 now",
      "https://:pw@host/",
      "redis://user:pa/ss@host:6379", // unencoded `/` in the password
      "amqp://u:p@w@rd@host/v", // to the last `@`
      "a http://x:1@h b https://y:2@i",
      "http://u:p@h\"tail"
    ].map(maskUrlPasswords)).toEqual([
      `postgres://user:${R}@db:5432/app`,
      `connect to https://bob:${R}@example.com/path?x=1 now`,
      `https://:${R}@host/`,
      `redis://user:${R}@host:6379`,
      `amqp://u:${R}@host/v`,
      `a http://x:${R}@h b https://y:${R}@i`,
      `http://u:${R}@h"tail`
    ])
  })

  it("leaves URLs without a password alone: ports, users, `@` after the path, already masked", () => {
    const alike = [
      "https://example.com:8080/path?email=a@b.c",
      "http://host:80/a@b",
      "https://user@example.com/",
      "https://user:@example.com/",
      "http://host/?u=a:b@c",
      "http://u:pa/ss more@words",
      `http://u:${R}@host`,
      "no url here user:pw@host",
      "mailto:a@b.c"
    ]
    expect(alike.map(maskUrlPasswords)).toEqual(alike)
  })

  it("masks Go DSN passwords before `@protocol(`, and nothing else with an `@`", () => {
    expect([
      "user:password@tcp(db:3306)/app",
      "dsn=root:s3cr3t@unix(/tmp/mysql.sock)/db",
      "a,b:c@tcp(h)/x",
      "(u:p@tcp(h))",
      "e@mail.com u:p@tcp(h)",
      "x u:p1@tcp(a)/d y v:p2@unix(b)/e",
      "user:p@ss@tcp(db:3306)/app", // Go's driver splits at the last `@`: the password holds one
      "u:a@b@c@tcp(h)/x u2:q@unix(s)/y"
    ].map(maskDsnPasswords)).toEqual([
      `user:${R}@tcp(db:3306)/app`,
      `dsn=root:${R}@unix(/tmp/mysql.sock)/db`,
      `a,b:${R}@tcp(h)/x`,
      `(u:${R}@tcp(h))`,
      `e@mail.com u:${R}@tcp(h)`,
      `x u:${R}@tcp(a)/d y v:${R}@unix(b)/e`,
      `user:${R}@tcp(db:3306)/app`,
      `u:${R}@tcp(h)/x u2:${R}@unix(s)/y`
    ])
    const alike = [
      "root@tcp(db:3306)/app",
      "root:@tcp(db)/app",
      "user:pass@example.com",
      "u:p@tcp (h)",
      "u:p@1cp(h)",
      "u:p@abcdefghijklmnopq(h)", // a 17-letter word is no protocol
      `u:${R}@tcp(h)/d`
    ]
    expect(alike.map(maskDsnPasswords)).toEqual(alike)
  })

  it("masks the value after a hidden flag: bare, quoted or cut, not another flag", () => {
    const flags = (s: string) => maskFlags(s, hidden)
    expect([
      "cmd --password hunter2 --verbose",
      "cmd --db-password \"x y\" --v",
      "cmd --password 'a b",
      "cmd --token   t1 --secret\ts2",
      "cmd --Password y"
    ].map(flags)).toEqual([
      `cmd --password ${R} --verbose`,
      `cmd --db-password "${R}" --v`,
      `cmd --password '${R}`,
      `cmd --token   ${R} --secret\t${R}`,
      `cmd --Password ${R}`
    ])
    const alike = [
      "cmd --password --verbose",
      "cmd --password=x", // a pair, not a flag
      "cmd --user bob",
      "cmd x--password y",
      "cmd --password",
      "cmd --password \"\" z",
      "---password x",
      `cmd --password ${R}`
    ]
    expect(alike.map(flags)).toEqual(alike)
  })

  it("masks the values of hidden keys in pairs: bare, quoted, escaped JSON, arrays, objects, after a scheme", () => {
    expect([
      "password=hunter2 user=bob",
      "password: hunter2",
      "password =  x y",
      "api_key=abc&token=def",
      "Authorization: Bearer abc123",
      "authorization: Basic dXNlcjpwYXNz",
      "{\"password\":\"p w\",\"user\":\"bob\"}",
      "{\"password\": \"x\\\"y\"}",
      "{\"msg\":\"{\\\"password\\\":\\\"inner\\\"}\"}",
      "{'password': 'v'}",
      "{\"password\":abc,\"u\":1}",
      "password => x",
      "{\"password\"=>\"x\"}",
      "secret={\"a\":1,\"b\":[2]} tail",
      "secret=[1,2] tail",
      "password1=x",
      "x-api-key: k1"
    ].map(pairs)).toEqual([
      `password=${R} user=bob`,
      `password: ${R}`,
      `password =  ${R} y`,
      `api_key=${R}&token=${R}`,
      `Authorization: Bearer ${R}`,
      `authorization: Basic ${R}`,
      `{"password":"${R}","user":"bob"}`,
      `{"password": "${R}"}`,
      `{"msg":"{\\"password\\":\\"${R}\\"}"}`,
      `{'password': '${R}'}`,
      `{"password":${R},"u":1}`,
      `password => ${R}`,
      `{"password"=>"${R}"}`,
      `secret=${R} tail`,
      `secret=${R} tail`,
      `password1=${R}`,
      `x-api-key: ${R}`
    ])
  })

  it("leaves pairs alone whose key is not hidden, whose value is empty or already masked", () => {
    const alike = ["user=bob page=2", "passwords=x", "mypassword=x", "password=", `token=${R}`, "no pairs here"]
    expect(alike.map(pairs)).toEqual(alike)
    // without a tail table every key is looked up
    expect([maskPairs("password=hunter2", hidden, undefined), maskPairs("user=bob", hidden, undefined)])
      .toEqual([`password=${R}`, "user=bob"])
  })

  it("tailTable marks the last two characters of each key, and gives up on a key shorter than two", () => {
    const t = tailTable(["password", "token"])!
    const at = (pair: string) => t[pair.charCodeAt(0) << 7 | pair.charCodeAt(1)]
    expect([t.length, t.reduce((a, b) => a + b, 0), at("rd"), at("en"), at("ed"), at("dr")]).toEqual([
      16384,
      2,
      1,
      1,
      0,
      0
    ])
    expect(tailTable(["password", "x"])).toBe(undefined)
    expect(tailTable([])!.reduce((a, b) => a + b, 0)).toBe(0)
  })

  it("maskCustom masks each whole match, or only its `secret` group when that took part", () => {
    expect(globalCopy(/a/).flags).toBe("dg")
    expect(globalCopy(/a/gi).flags).toBe("dgi")
    expect(maskCustom("id SSN-123 and SSN-456, SSN-1234", globalCopy(/\bSSN-\d{3}\b/)))
      .toBe(`id ${R} and ${R}, SSN-1234`)
    expect(maskCustom("pin 1234 pin 99 pin x", globalCopy(/pin (?<secret>\d+)/))).toBe(`pin ${R} pin ${R} pin x`)
    // the group by its indices, not its text: the earlier copy of "1234" stays
    expect(maskCustom("1234 1234", globalCopy(/1234 (?<secret>1234)/))).toBe(`1234 ${R}`)
    // an empty `secret` leaves the match; a `secret` that did not take part masks the whole match
    expect(maskCustom("code= code=ab", globalCopy(/code=(?<secret>\w*)/))).toBe(`code= code=${R}`)
    expect(maskCustom("k1x kx", globalCopy(/k(?<secret>\d)?x/))).toBe(`k${R}x ${R}`)
    // empty matches are stepped over; a stale lastIndex is reset
    expect(maskCustom("axxb", globalCopy(/x*/))).toBe(`a${R}b`)
    const re = globalCopy(/a/)
    re.lastIndex = 5
    expect(maskCustom("aaa", re)).toBe(R + R + R)
  })
})
