/**
 * REDIS_CLUSTER_NODES (src/config.ts): the seed nodes, and the queue prefix a cluster
 * needs (all of a queue's keys, and the backlog counters, in one slot).
 */
import test from 'ava';
import calculateSlot from 'cluster-key-slot';
import { ConfigError, loadConfig } from '../src/config';
import { QUEUE_NAMES } from '../src/queue-names';
import { redisKeys } from '../src/redis-keys';

test('without REDIS_CLUSTER_NODES: one Redis, the prefix as given', (t) => {
  const config = loadConfig({ QUEUE_PREFIX: 'rti' });
  t.deepEqual(config.redisClusterNodes, []);
  t.is(config.queuePrefix, 'rti');
});

test('REDIS_CLUSTER_NODES lists the seed nodes; a prefix without a hash tag is given one', (t) => {
  const config = loadConfig({
    REDIS_CLUSTER_NODES: 'redis-1:7000, 10.0.0.2:7001,[::1]:7002',
    QUEUE_PREFIX: 'rti',
  });
  t.deepEqual(config.redisClusterNodes, [
    { host: 'redis-1', port: 7000 },
    { host: '10.0.0.2', port: 7001 },
    { host: '::1', port: 7002 },
  ]);
  t.is(config.queuePrefix, '{rti}');
  t.is(
    loadConfig({ REDIS_CLUSTER_NODES: 'r:7000', QUEUE_PREFIX: 'app:{q}' }).queuePrefix,
    'app:{q}',
  );

  // The backlog counters share the queues' slot (one MULTI); the recency keys do not.
  const keys = redisKeys(config.queuePrefix);
  const queueSlot = calculateSlot(`${config.queuePrefix}:persist:wait`);
  for (const name of QUEUE_NAMES) t.is(calculateSlot(keys.backlog(name)), queueSlot);
  t.is(calculateSlot(keys.recentlyViewed(7)), calculateSlot(keys.recentlyViewedMarkers(7)));
  t.not(keys.recentlyViewed(7), keys.recentlyViewed(8));
  t.is(keys.session('abc'), 'rti:session:{s:abc}');
});

test('a bad node or a prefix whose braces make no hash tag is a ConfigError naming it', (t) => {
  for (const nodes of ['redis-1', 'redis-1:0', 'redis-1:70000', 'a:1,b']) {
    const error = t.throws(() => loadConfig({ REDIS_CLUSTER_NODES: nodes }), {
      instanceOf: ConfigError,
    });
    t.regex(error!.message, /REDIS_CLUSTER_NODES/);
  }
  for (const prefix of ['{}rti', 'rti}', '{rti']) {
    const error = t.throws(
      () => loadConfig({ REDIS_CLUSTER_NODES: 'r:7000', QUEUE_PREFIX: prefix }),
      { instanceOf: ConfigError },
    );
    t.regex(error!.message, /QUEUE_PREFIX/);
  }
  // On one Redis any valid prefix goes, braces or not.
  t.is(loadConfig({ QUEUE_PREFIX: '{rti' }).queuePrefix, '{rti');
});
