// A fresh PostgreSQL database per test file, migrated, dropped afterwards: runs never collide.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateDatabase } from '../../infra/postgres/migrations.ts';

const SERVER_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const url = `${SERVER_URL}/${name}`;
  await migrateDatabase(url);
  return {
    url,
    name,
    async drop() {
      const admin = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
