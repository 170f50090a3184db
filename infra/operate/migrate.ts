// `npm run migrate`: applies the schema migrations to DATABASE_URL.
import { databaseUrl } from '../../functions/shared/config.ts';
import { migrateDatabase } from '../../functions/operations/schemaMigrations.ts';
import { parseCommandLine } from '../terminal/commandLine.ts';

parseCommandLine({ options: {} }, 'Usage: npm run migrate\n\nApplies the schema migrations to DATABASE_URL.');

const applied = await migrateDatabase(await databaseUrl());
console.log(applied.length ? `applied ${applied.join(', ')}` : 'schema up to date');
