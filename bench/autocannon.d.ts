// The part of autocannon's programmatic API the HTTP benches use (the package ships no types).
declare module "autocannon" {
  interface Options {
    readonly url: string
    readonly connections?: number
    readonly pipelining?: number
    readonly duration?: number
    readonly workers?: number
    /** total requests to send (instead of a duration) */
    readonly amount?: number
    /** seconds before a request counts as timed out */
    readonly timeout?: number
  }
  interface Stats {
    readonly average: number
    readonly mean: number
    readonly total: number
  }
  interface Result {
    readonly requests: Stats
    readonly errors: number
    readonly timeouts: number
    readonly non2xx: number
    readonly "2xx": number
  }
  function autocannon(options: Options): Promise<Result>
  export default autocannon
}
