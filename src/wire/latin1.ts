// Buffer <-> latin1 string without toString()'s argument checks (hot path). Node has these
// methods on Buffer.prototype; @types/node does not declare them.
type SliceFn = (this: Buffer, start: number, end: number) => string;
type WriteFn = (this: Buffer, s: string, offset: number, length: number) => number;
const proto = Buffer.prototype as unknown as { latin1Slice: SliceFn; latin1Write: WriteFn };
const slice = proto.latin1Slice;
const write = proto.latin1Write;

export function latin1Slice(buf: Buffer, start: number, end: number): string {
  return slice.call(buf, start, end);
}

export function latin1Write(buf: Buffer, s: string, offset: number): number {
  return write.call(buf, s, offset, s.length);
}
