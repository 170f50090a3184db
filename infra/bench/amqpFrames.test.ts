import { describe, expect, it } from 'vitest';
import { amqpClientReader } from './amqpFrames.ts';
import type { Counts } from './wireCounts.ts';

const frame = (type: number, payload: Buffer) => {
  const header = Buffer.alloc(7);
  header.writeUInt8(type, 0);
  header.writeUInt16BE(1, 1);
  header.writeUInt32BE(payload.length, 3);
  return Buffer.concat([header, payload, Buffer.from([0xce])]);
};
const method = (classId: number, methodId: number, args: Buffer) => {
  const ids = Buffer.alloc(4);
  ids.writeUInt16BE(classId, 0);
  ids.writeUInt16BE(methodId, 2);
  return frame(1, Buffer.concat([ids, args]));
};
const shortString = (text: string) => Buffer.concat([Buffer.from([text.length]), Buffer.from(text)]);
const longString = (text: string) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(Buffer.byteLength(text));
  return Buffer.concat([length, Buffer.from(text)]);
};

describe('amqpClientReader', () => {
  it('counts Basic.Publish per user signed in with PLAIN, not the content frames', () => {
    const counts: Counts = {};
    const read = amqpClientReader(counts);
    const properties = Buffer.concat([Buffer.from([0, 0, 0, 2]), Buffer.from([0, 0])]);
    const stream = Buffer.concat([
      Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'),
      method(
        10,
        11,
        Buffer.concat([
          properties,
          shortString('PLAIN'),
          longString('\0vhost.relay\0secret'),
          shortString('en_US'),
        ]),
      ),
      method(60, 40, Buffer.alloc(8)),
      frame(2, Buffer.alloc(14)),
      frame(3, Buffer.from('{"type":"order.created"}')),
      method(60, 40, Buffer.alloc(8)),
      method(60, 80, Buffer.alloc(9)),
    ]);
    for (let at = 0; at < stream.length; at += 3) read(stream.subarray(at, at + 3));
    expect(counts).toEqual({ 'vhost.relay': { connections: 1, publishes: 2 } });
  });
});
