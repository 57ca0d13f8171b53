/**
 * The knex CLI's configuration (`npx knex migrate:latest`, `npx knex seed:run`…):
 * the same one the service uses, read from the environment by src/config.ts.
 * TypeScript files are loaded through sucrase (a dev dependency) found by knex itself;
 * the Docker image runs the compiled `dist/knexfile.js` instead.
 */
import { loadConfigOrExit } from './src/config';
import { knexConfig } from './src/db';

module.exports = knexConfig(loadConfigOrExit(), { ensureSchema: true });
