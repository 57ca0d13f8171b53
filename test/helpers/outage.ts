/**
 * The load of the Redis fault tests: a first set of events accepted whole, then a client
 * that resends what is not accepted throughout an outage that starts 2 s into its run.
 */
import type { ExecutionContext } from 'ava';
import { makeEvents, sendEvents, sleep, type Outcome, type TestEvent } from './workload';

export interface OutageLoad {
  before: TestEvent[];
  during: TestEvent[];
  /** The retrying client's outcome, once it has sent every event or given up. */
  sending: Promise<Outcome>;
}

export async function loadThroughOutage(
  t: ExecutionContext,
  apiUrl: string,
  startOutage: () => Promise<void>,
  { retryForMs = 45_000 } = {},
): Promise<OutageLoad> {
  const before = makeEvents({ count: 500 });
  t.deepEqual(Object.keys((await sendEvents(apiUrl, before)).statuses), ['202']);
  const during = makeEvents({ count: 1_500 });
  const sending = sendEvents(apiUrl, during, {
    clients: 3,
    durationMs: 10_000,
    retry: { delayMs: 250, deadline: Date.now() + retryForMs },
  });
  await sleep(2_000);
  await startOutage();
  return { before, during, sending };
}
