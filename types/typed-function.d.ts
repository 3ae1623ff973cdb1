// Declarations for the parts of typed-function (a benchmark peer) the benchmarks use.
declare module 'typed-function' {
  interface TypedFunctionLib {
    (name: string, signatures: Record<string, (...args: never[]) => unknown>): (...args: unknown[]) => unknown;
    create(): TypedFunctionLib;
    addTypes(types: Array<{ name: string; test: (x: unknown) => boolean }>): void;
  }
  const typed: TypedFunctionLib;
  export default typed;
}
