/**
 * HEAP_GROWING_PERCENT must reach V8: `setFlagsFromString` ignores a flag it does not know
 * without a word, so only the heap's behaviour shows that the limit took effect.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const CHURN = path.join(__dirname, 'helpers', 'heap-churn.ts');

async function peakOldSpaceMb(percent: number): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--import',
    'tsx',
    CHURN,
    String(percent),
  ]);
  return (JSON.parse(stdout) as { peakOldSpaceMb: number }).peakOldSpaceMb;
}

test('limitHeapGrowth keeps the old space near its live size; V8 alone lets it grow further', async (t) => {
  const [ownRule, limited] = await Promise.all([peakOldSpaceMb(0), peakOldSpaceMb(50)]);
  t.log(
    `old space peak: ${ownRule.toFixed(0)} MB by V8's own rule, ${limited.toFixed(0)} MB at 50 %`,
  );
  t.true(limited < ownRule * 0.75, `${limited} MB is not well below ${ownRule} MB`);
});
