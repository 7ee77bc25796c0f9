/**
 * The package version, for the OTLP `User-Agent` and instrumentation scope
 * (kept equal to package.json's by a test).
 *
 * @internal
 */
export const version = "0.1.0"
