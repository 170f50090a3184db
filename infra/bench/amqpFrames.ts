// Reads what an AMQP 0-9-1 client sends and counts, per user signed in: connections and
// Basic.Publish method frames (class 60, method 40): the broker's work that an event's publish costs.
// The user is the PLAIN response of Connection.Start-Ok (class 10, method 11), as amqplib sends it.
import { addCount, type Counts } from './wireCounts.ts';

const PROTOCOL_HEADER_LENGTH = 8;
const METHOD_FRAME = 1;
/** type, channel and size before a frame's payload; the frame-end octet after it */
const FRAME_HEADER_LENGTH = 7;
const FRAME_END_LENGTH = 1;

/** The user of a Connection.Start-Ok's arguments (after class and method), or `?`. */
function startOkUser(args: Buffer): string {
  let at = 4 + args.readUInt32BE(0); // client-properties: a field table, skipped
  const mechanismLength = args.readUInt8(at);
  const mechanism = args.toString('utf8', at + 1, at + 1 + mechanismLength);
  at += 1 + mechanismLength;
  const responseLength = args.readUInt32BE(at);
  const response = args.toString('utf8', at + 4, at + 4 + responseLength);
  // PLAIN: authzid, NUL, user, NUL, password
  return mechanism === 'PLAIN' ? (response.split('\0')[1] ?? '?') : '?';
}

/** A reader for one connection's client bytes, counting into `counts` under the user's name. */
export function amqpClientReader(counts: Counts): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  let headerRead = false;
  let user = '?';
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    if (!headerRead) {
      if (pending.length < PROTOCOL_HEADER_LENGTH) return;
      pending = pending.subarray(PROTOCOL_HEADER_LENGTH);
      headerRead = true;
    }
    while (pending.length >= FRAME_HEADER_LENGTH) {
      const size = pending.readUInt32BE(3);
      const frameLength = FRAME_HEADER_LENGTH + size + FRAME_END_LENGTH;
      if (pending.length < frameLength) return;
      if (pending[0] === METHOD_FRAME && size >= 4) {
        const classId = pending.readUInt16BE(FRAME_HEADER_LENGTH);
        const methodId = pending.readUInt16BE(FRAME_HEADER_LENGTH + 2);
        if (classId === 10 && methodId === 11) {
          user = startOkUser(pending.subarray(FRAME_HEADER_LENGTH + 4, FRAME_HEADER_LENGTH + size));
          addCount(counts, user, 'connections');
        } else if (classId === 60 && methodId === 40) {
          addCount(counts, user, 'publishes');
        }
      }
      pending = pending.subarray(frameLength);
    }
  };
}
