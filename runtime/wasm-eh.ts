// Types and constructors for WebAssembly exception handling (WebAssembly.Tag and
// WebAssembly.Exception), which TypeScript's DOM library does not describe yet.

export interface WasmTag {
  readonly __wasmTag: unique symbol;
}

export interface WasmException {
  is(tag: WasmTag): boolean;
  getArg(tag: WasmTag, index: number): number;
}

const WA = WebAssembly as unknown as {
  Tag?: new (type: { parameters: string[] }) => WasmTag;
  Exception?: new (tag: WasmTag, payload: unknown[]) => WasmException & Error;
};

export function makeTag(parameters: string[]): WasmTag | undefined {
  return WA.Tag ? new WA.Tag({ parameters }) : undefined;
}

export function makeException(tag: WasmTag, payload: unknown[]): Error {
  if (!WA.Exception) throw new Error('WebAssembly.Exception is not available');
  return new WA.Exception(tag, payload);
}

export function isWasmException(e: unknown): e is WasmException {
  return WA.Exception !== undefined && e instanceof WA.Exception;
}
