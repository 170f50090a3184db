import { describe, expect, it } from 'vitest';
import { countStatements, postgresFrontendReader } from './postgresMessages.ts';
import type { Counts } from './wireCounts.ts';

const message = (type: string, body: Buffer) => {
  const header = Buffer.alloc(5);
  header.write(type, 0);
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
};
const cstring = (text: string) => Buffer.from(`${text}\0`);
const untyped = (code: number, body: Buffer) => {
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + body.length, 0);
  header.writeInt32BE(code, 4);
  return Buffer.concat([header, body]);
};
const startup = (user: string) =>
  untyped(
    196608,
    Buffer.concat([cstring('user'), cstring(user), cstring('database'), cstring('db'), cstring('')]),
  );

describe('countStatements', () => {
  it('counts the statements between semicolons, not those in quotes or comments', () => {
    expect(countStatements('BEGIN')).toBe(1);
    expect(countStatements('BEGIN; SELECT 1;')).toBe(2);
    expect(countStatements(`SELECT ';' ; -- a; comment\n SELECT $x$;$x$`)).toBe(2);
    expect(countStatements(' ; ')).toBe(0);
  });
});

describe('postgresFrontendReader', () => {
  it('counts per role: a simple query is a round trip, a Sync ends one and each Execute is a statement', () => {
    const counts: Counts = {};
    const read = postgresFrontendReader(counts);
    const stream = Buffer.concat([
      untyped(80877103, Buffer.alloc(0)), // SSLRequest, refused
      startup('db_commands'),
      message('p', cstring('password')),
      message('Q', cstring('BEGIN')),
      message('P', Buffer.concat([cstring(''), cstring('SELECT $1'), Buffer.alloc(2)])),
      message('B', Buffer.alloc(8)),
      message('E', Buffer.concat([cstring(''), Buffer.alloc(4)])),
      message('S', Buffer.alloc(0)),
      message('Q', cstring('COMMIT; SELECT 1')),
      message('X', Buffer.alloc(0)),
    ]);
    // split at every byte: a message may arrive in any number of chunks
    for (let at = 0; at < stream.length; at++) read(stream.subarray(at, at + 1));
    expect(counts).toEqual({ db_commands: { connections: 1, roundTrips: 3, statements: 4 } });
  });
});
