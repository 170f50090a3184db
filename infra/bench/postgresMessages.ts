// Reads what a PostgreSQL client sends (the frontend side of the wire protocol, version 3) and counts,
// per role signed in: connections, round trips and statements. A simple query ('Q') is one round trip
// of one or more statements; in the extended protocol each Sync ('S') ends a round trip and each
// Execute ('E') runs one statement. The startup message has no type byte; an SSL or GSS request may
// come before it (answered 'N' here: the local stack does not use TLS).
import { addCount, type Counts } from './wireCounts.ts';

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** larger than any message this stack sends: the stream is not what this reader thinks it is */
const IMPLAUSIBLE_LENGTH = 256 * 1024 * 1024;

/**
 * Statements in a simple query's text: the parts between semicolons outside quotes, dollar quotes
 * and comments that hold more than white space.
 */
export function countStatements(sql: string): number {
  let statements = 0;
  let content = false;
  for (let at = 0; at < sql.length; at++) {
    const char = sql[at]!;
    if (char === "'" || char === '"') {
      at = sql.indexOf(char, at + 1);
      if (at < 0) at = sql.length;
      content = true;
    } else if (char === '-' && sql[at + 1] === '-') {
      const end = sql.indexOf('\n', at);
      at = end < 0 ? sql.length : end;
    } else if (char === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(at))?.[0];
      if (tag) {
        const end = sql.indexOf(tag, at + tag.length);
        at = end < 0 ? sql.length : end + tag.length - 1;
      }
      content = true;
    } else if (char === ';') {
      if (content) statements++;
      content = false;
    } else if (!/\s/.test(char)) {
      content = true;
    }
  }
  return statements + (content ? 1 : 0);
}

/** A reader for one connection's client bytes, counting into `counts` under the role's name. */
export function postgresFrontendReader(counts: Counts): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  let role: string | undefined;
  let lost = false;
  return (chunk) => {
    if (lost) return;
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (role === undefined) {
        if (pending.length < 8) return;
        const length = pending.readInt32BE(0);
        if (length < 8 || length > IMPLAUSIBLE_LENGTH) return void (lost = true);
        if (pending.length < length) return;
        const code = pending.readInt32BE(4);
        const body = pending.subarray(8, length);
        pending = pending.subarray(length);
        if (code === SSL_REQUEST || code === GSS_REQUEST) continue;
        if (code === CANCEL_REQUEST) return;
        const fields = body.toString('utf8').split('\0');
        const userAt = fields.indexOf('user');
        role = userAt >= 0 && userAt % 2 === 0 ? fields[userAt + 1]! : '?';
        addCount(counts, role, 'connections');
        continue;
      }
      if (pending.length < 5) return;
      const type = String.fromCharCode(pending[0]!);
      const length = pending.readInt32BE(1);
      if (length < 4 || length > IMPLAUSIBLE_LENGTH) return void (lost = true);
      if (pending.length < 1 + length) return;
      if (type === 'Q') {
        addCount(counts, role, 'roundTrips');
        addCount(counts, role, 'statements', countStatements(pending.toString('utf8', 5, length)));
      } else if (type === 'S') {
        addCount(counts, role, 'roundTrips');
      } else if (type === 'E') {
        addCount(counts, role, 'statements');
      }
      pending = pending.subarray(1 + length);
    }
  };
}
