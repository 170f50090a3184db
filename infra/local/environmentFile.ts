// Loaded before anything else by `npm run dev` and the operator commands (node --import): the
// variables of a .env file in the project's root, if there is one; a variable set in the shell wins.
// Not with --cloud: .env describes the local stack (its endpoints and prefix would send a cloud run
// to local services). (node's --env-file-if-exists prints a line on every start without the file.)
import { existsSync } from 'node:fs';

if (!process.argv.includes('--cloud') && existsSync('.env')) process.loadEnvFile('.env');
