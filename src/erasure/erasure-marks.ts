/**
 * The erasure marks the workers read (docs/data-lifecycle.md), in one Redis hash:
 * - `p:<user_id>` → the id of the erasure in progress: the recency job holds back every
 *   event of that user until it is done, so no event folds in while its keys are deleted;
 * - `d:<user_id>` → the cut-off (ms) of the user's latest finished erasure: events received
 *   up to it are skipped for good (a job queued before, an event still in the API's buffer).
 * The persist job has its own filter in SQL (the erasures table, which it reads anyway).
 */
import type { RedisClient } from '../redis';
import type { RedisKeys } from '../redis-keys';

const pendingField = (userId: number) => `p:${userId}`;
const erasedField = (userId: number) => `d:${userId}`;

/*
 * KEYS[1] the erasures hash; ARGV[1] the pending field, ARGV[2] the erasure id,
 * ARGV[3] the erased field ('' to leave it), ARGV[4] the cut-off (ms).
 * Removes the pending mark only if it is this erasure's (a newer request of the same user
 * keeps its own), and raises the cut-off, never lowers it. Returns nothing.
 */
const RELEASE = `
if ARGV[3] ~= '' then
  local current = tonumber(redis.call('HGET', KEYS[1], ARGV[3]) or '0')
  if tonumber(ARGV[4]) > current then redis.call('HSET', KEYS[1], ARGV[3], ARGV[4]) end
end
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0`;

/** Marks `userId` as being erased by `erasureId` (set before the erasure's cut-off is taken). */
export async function markErasing(
  redis: RedisClient,
  keys: RedisKeys,
  userId: number,
  erasureId: string,
): Promise<void> {
  await redis.hset(keys.erasures(), pendingField(userId), erasureId);
}

/** Ends the mark of `erasureId`; with `cutoffMs`, records the finished erasure's cut-off. */
export async function releaseErasing(
  redis: RedisClient,
  keys: RedisKeys,
  userId: number,
  erasureId: string,
  cutoffMs?: number,
): Promise<void> {
  await redis.eval(
    RELEASE,
    1,
    keys.erasures(),
    pendingField(userId),
    erasureId,
    cutoffMs === undefined ? '' : erasedField(userId),
    cutoffMs ?? 0,
  );
}

export interface ErasureMarks {
  /** Users with an erasure in progress. */
  erasing: Set<number>;
  /** Per user, the latest cut-off of a finished erasure (ms). */
  erasedUpTo: Map<number, number>;
}

/** The marks of these users, in one HMGET. */
export async function readErasureMarks(
  redis: RedisClient,
  keys: RedisKeys,
  userIds: readonly number[],
): Promise<ErasureMarks> {
  const marks: ErasureMarks = { erasing: new Set(), erasedUpTo: new Map() };
  if (userIds.length === 0) return marks;
  const fields = userIds.flatMap((id) => [pendingField(id), erasedField(id)]);
  const values = await redis.hmget(keys.erasures(), ...fields);
  userIds.forEach((id, i) => {
    if (values[2 * i] != null) marks.erasing.add(id);
    const upTo = values[2 * i + 1];
    if (upTo != null) marks.erasedUpTo.set(id, Number(upTo));
  });
  return marks;
}
