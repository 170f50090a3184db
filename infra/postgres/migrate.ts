// `npm run migrate`: applies the schema migrations to DATABASE_URL.
import { databaseUrl } from '../../functions/shared/config.ts';
import { migrateDatabase } from '../../functions/operations/schemaMigrations.ts';

const applied = await migrateDatabase(await databaseUrl());
console.log(applied.length ? `applied ${applied.join(', ')}` : 'schema up to date');
