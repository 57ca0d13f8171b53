/**
 * The knex CLI's configuration (`npx knex migrate:latest`, `npx knex seed:run`…):
 * the same one the service uses, read from the environment by src/config.ts.
 * `npx knex …` loads the TypeScript files through sucrase (a dev dependency) that knex finds
 * itself, and says so ("Requiring external module sucrase/register/ts"); the npm scripts
 * preload tsx instead, which knex then uses silently. The Docker image runs the compiled
 * `dist/knexfile.js`.
 */
import { loadConfigOrExit } from './src/config';
import { knexConfig } from './src/db';

module.exports = knexConfig(loadConfigOrExit(), { ensureSchema: true });
