/**
 * Start-up refusals (SPEC §6): in production the API will not serve Bull Board and the
 * catalog mutations without admin credentials.
 */
import test from 'ava';
import { envFor, killIfRunning, spawnEntry, type Spawned } from './helpers/processes';
import { testConfig } from './helpers/test-env';

let api: Spawned | undefined;
test.after.always(() => killIfRunning(api));

test('with NODE_ENV=production and no admin credentials the API refuses to start', async (t) => {
  api = spawnEntry('src/server.ts', envFor(testConfig(), { NODE_ENV: 'production', PORT: '0' }));
  t.deepEqual(await api.exited, { code: 1, signal: null });
  t.regex(
    api.stderr(),
    /refusing to start: NODE_ENV=production requires ADMIN_USER and ADMIN_PASSWORD/,
  );
  t.false(api.logs.some((line) => line.msg === 'api listening'));
});
