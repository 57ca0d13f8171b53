/**
 * limitConcurrency (the batch route's memory bound): never more than `max` requests past
 * it at once, the others admitted first come first served as slots free up, and a slot
 * is given back when a request fails.
 */
import test from 'ava';
import type { Context } from 'koa';
import { limitConcurrency } from '../src/http/limit-concurrency';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('admits at most max requests at once, in arrival order', async (t) => {
  const limit = limitConcurrency(3);
  const gates = Array.from({ length: 8 }, gate);
  const entered: number[] = [];
  let running = 0;
  let peak = 0;
  const requests = gates.map((g, i) =>
    limit({} as Context, async () => {
      entered.push(i);
      running += 1;
      peak = Math.max(peak, running);
      await g.opened;
      running -= 1;
    }),
  );
  await tick();
  t.deepEqual(entered, [0, 1, 2]);
  // Free the slots out of order: the waiters still enter in the order they came.
  gates[1]!.open();
  gates[0]!.open();
  await tick();
  t.deepEqual(entered, [0, 1, 2, 3, 4]);
  for (const g of gates) g.open();
  await Promise.all(requests);
  t.deepEqual(entered, [0, 1, 2, 3, 4, 5, 6, 7]);
  t.is(peak, 3);
});

test('a failing request gives its slot back', async (t) => {
  const limit = limitConcurrency(1);
  await t.throwsAsync(
    limit({} as Context, async () => {
      throw new Error('boom');
    }),
    { message: 'boom' },
  );
  let ran = false;
  await limit({} as Context, async () => {
    ran = true;
  });
  t.true(ran);
});
