/**
 * One value per process under `key`, however many copies of a module are loaded (Effect 4 has no `GlobalValue`):
 * kept on `globalThis`.
 *
 * @internal
 */
export const globalValue = <A>(key: symbol, make: () => A): A => {
  const store = globalThis as unknown as Record<symbol, A | undefined>
  const known = store[key]
  if (known !== undefined) return known
  const value = make()
  Object.defineProperty(globalThis, key, { value, configurable: true, enumerable: false, writable: false })
  return value
}
