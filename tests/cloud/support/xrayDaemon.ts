// The cloud tier's stand-in for the X-Ray daemon Lambda runs beside a function with active tracing:
// a UDP port (AWS_XRAY_DAEMON_ADDRESS) that takes the segment documents the X-Ray SDK sends, each a
// JSON header line and a JSON segment, and keeps them for the test to read.
import { createSocket } from 'node:dgram';

export interface TraceSegment {
  trace_id: string;
  id: string;
  name: string;
  type?: string;
  parent_id?: string;
  namespace?: string;
  aws?: { operation?: string };
  subsegments?: TraceSegment[];
  [key: string]: unknown;
}

export async function startXrayDaemon() {
  const segments: TraceSegment[] = [];
  const socket = createSocket('udp4');
  socket.on('message', (datagram) => {
    const [header, body] = datagram.toString().split('\n');
    if (!header?.includes('"format"') || !body) return;
    try {
      segments.push(JSON.parse(body) as TraceSegment);
    } catch {
      // a datagram cut short: X-Ray drops it too
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    segments,
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
