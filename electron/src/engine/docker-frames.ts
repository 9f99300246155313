// Splits Docker's multiplexed stdout/stderr stream (8-byte headers) into frames.
export type FrameHandler = (stream: 'stdout' | 'stderr', payload: Buffer) => void;

export class FrameDemuxer {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private readonly onFrame: FrameHandler) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 8) {
      const size = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + size) break;
      const kind = this.buf[0] === 2 ? 'stderr' : 'stdout';
      this.onFrame(kind, this.buf.subarray(8, 8 + size));
      this.buf = this.buf.subarray(8 + size);
    }
  }
}
