// The `#platform` import on runtimes without file descriptors (browsers, workerd):
// no platform; sinks write through Effect's Console. See src/internal/platform.ts.
export const platform = undefined
