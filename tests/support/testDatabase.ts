// A fresh PostgreSQL database per test file, migrated, dropped afterwards: runs never collide.
import { createIsolatedDatabase, type IsolatedDatabase } from '../../infra/local/isolatedBackend.ts';

const SERVER_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

export type TestDatabase = IsolatedDatabase;

export const createTestDatabase = (prefix = 'test'): Promise<TestDatabase> =>
  createIsolatedDatabase(prefix, SERVER_URL);
