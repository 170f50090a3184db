// Which process opened a loopback TCP connection, from /proc (Linux only): the DynamoDB proxy tells
// the API's requests from the projectors' by the process that sends them, since both use the same
// endpoint, credentials and tables.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const hexPort = (address: string) => Number.parseInt(address.split(':')[1] ?? '', 16);

/** The inode of the socket whose local port is `localPort` and remote port `remotePort`. */
function socketInode(localPort: number, remotePort: number): string | undefined {
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[];
    try {
      lines = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      if (hexPort(fields[1]!) === localPort && hexPort(fields[2]!) === remotePort) return fields[9];
    }
  }
  return undefined;
}

/** The pid and command line of the process holding the client end (port `clientPort`) of a
 * connection to `serverPort`, or undefined if it cannot be told. */
export function socketOwner(
  clientPort: number,
  serverPort: number,
): { pid: number; command: string } | undefined {
  const inode = socketInode(clientPort, serverPort);
  if (!inode) return undefined;
  const link = `socket:[${inode}]`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      for (const fd of readdirSync(`/proc/${entry}/fd`)) {
        if (readlinkSync(`/proc/${entry}/fd/${fd}`) === link) {
          return {
            pid: Number(entry),
            command: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' '),
          };
        }
      }
    } catch {
      // another user's process, or one that ended meanwhile
    }
  }
  return undefined;
}
