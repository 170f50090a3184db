// Loaded before anything else by `npm run dev` and the operator commands (node --import): the
// variables of a .env file in the project's root, if there is one; a variable set in the shell wins.
// (node's --env-file-if-exists does the same, but prints a line on every start without the file.)
import { existsSync } from 'node:fs';

if (existsSync('.env')) process.loadEnvFile('.env');
