// Global test setup: each helper it starts is stopped by the returned teardown.
export default async function setup(): Promise<() => Promise<void>> {
  return async () => {};
}
