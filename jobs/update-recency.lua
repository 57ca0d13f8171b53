--[[
  Folds events into Redis, each effect at most once (SPEC §5): the session hash of SPEC
  §4.3, and the user's recently-viewed sorted set. An event's session part and its view
  part are two entries with a guard each, since on a Redis Cluster the session's slot and
  the user's may differ: the caller passes the entries of one slot per call.

  Input:
    ARGV[1]     recently-viewed max entries
    ARGV[2]     recently-viewed TTL, ms (from this write: arrival time)
    ARGV[3]     session TTL, ms (from this write); also how long a view's marker is kept
    ARGV[4]     S, the number of session entries
    ARGV[5]     now, ms (the markers' arrival time)
    ARGV[6]     '1' when the last key is the erasure marks (src/erasure/erasure-marks.ts):
                the script is then the erasure guard too (one Redis, where it reaches them)
    ARGV[7..]   8 per session entry: event_id, event_type, game_id ('' when none),
                occurred_at (ms), time_spent ('' when none), user_id, referrer_page,
                received_at (ms); then 5 per view entry: event_id, game_id, occurred_at
                (ms), user_id, received_at (ms)

    KEYS[1..S]  session hash of session entry i
    KEYS[S+2j-1], KEYS[S+2j]
                recently-viewed sorted set of view entry j's user (game id -> event time),
                and that user's view markers (event id -> arrival time, ms)
    KEYS[last]  with ARGV[6] = '1': the erasure marks hash

  Output:
    the number of session entries applied (events folded). A session entry whose marker
    `e:<event_id>` is already in its session hash, or a view entry whose event id is
    already in its user's markers (a retried job, a resent event), changes nothing.
    With the guard: -1, and nothing changed, when one of the users is being erased (the
    caller holds the job back); an entry received up to its user's last erasure is skipped.

  Session hash fields (src/session-fields.ts): user_id, start, last, entry_page,
  last_page, views, games, spent, n:<event_type>, e:<event_id>, g:<game_id>.
]]
local rvMax = tonumber(ARGV[1])
local rvTtl = ARGV[2]
local sessionTtl = ARGV[3]
local sessions = tonumber(ARGV[4])
local now = tonumber(ARGV[5])
local guarded = ARGV[6] == '1'
local SESSION_ARGS, VIEW_ARGS, FIRST = 8, 5, 6
local views = (#KEYS - sessions - (guarded and 1 or 0)) / 2

-- The guard: each user's latest erasure cut-off (-1: none); -1 returned at once if one of
-- the users is being erased.
local erasedUpTo = {}
if guarded then
  local marks = KEYS[#KEYS]
  local function check(userId)
    if erasedUpTo[userId] == nil then
      local mark = redis.call('HMGET', marks, 'p:' .. userId, 'd:' .. userId)
      if mark[1] then return false end
      erasedUpTo[userId] = tonumber(mark[2] or '-1')
    end
    return true
  end
  for i = 1, sessions do
    if not check(ARGV[FIRST + (i - 1) * SESSION_ARGS + 6]) then return -1 end
  end
  for j = 1, views do
    if not check(ARGV[FIRST + sessions * SESSION_ARGS + (j - 1) * VIEW_ARGS + 4]) then
      return -1
    end
  end
end
local function erased(userId, receivedAt)
  local upTo = erasedUpTo[userId]
  return upTo ~= nil and tonumber(receivedAt) <= upTo
end

local applied = 0
local touchedSessions = {}
local touchedLists = {}

for i = 1, sessions do
  local sessionKey = KEYS[i]
  local a = FIRST + (i - 1) * SESSION_ARGS
  local eventId, eventType, gameId = ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
  local occurredAt, timeSpent = ARGV[a + 4], ARGV[a + 5]
  local userId, referrer = ARGV[a + 6], ARGV[a + 7]

  if not erased(userId, ARGV[a + 8])
    and redis.call('HSETNX', sessionKey, 'e:' .. eventId, 1) == 1 then
    applied = applied + 1
    touchedSessions[sessionKey] = true
    local t = tonumber(occurredAt)

    redis.call('HSETNX', sessionKey, 'user_id', userId)
    local start = tonumber(redis.call('HGET', sessionKey, 'start'))
    if start == nil or t < start then
      redis.call('HSET', sessionKey, 'start', occurredAt, 'entry_page', referrer)
    end
    local last = tonumber(redis.call('HGET', sessionKey, 'last'))
    if last == nil or t >= last then
      redis.call('HSET', sessionKey, 'last', occurredAt, 'last_page', referrer)
    end
    redis.call('HINCRBY', sessionKey, 'n:' .. eventType, 1)
    if timeSpent ~= '' then
      redis.call('HINCRBY', sessionKey, 'spent', timeSpent)
    end

    if eventType == 'VIEW' then
      redis.call('HINCRBY', sessionKey, 'views', 1)
      if gameId ~= '' and redis.call('HSETNX', sessionKey, 'g:' .. gameId, 1) == 1 then
        redis.call('HINCRBY', sessionKey, 'games', 1)
      end
    end
  end
end

local v = FIRST + sessions * SESSION_ARGS
for j = 1, views do
  local listKey, markersKey = KEYS[sessions + 2 * j - 1], KEYS[sessions + 2 * j]
  local b = v + (j - 1) * VIEW_ARGS
  local eventId, gameId, occurredAt = ARGV[b + 1], ARGV[b + 2], ARGV[b + 3]
  if not erased(ARGV[b + 4], ARGV[b + 5])
    and redis.call('ZADD', markersKey, 'NX', now, eventId) == 1 then
    -- GT: a view older than the one already listed for this game never moves it back.
    redis.call('ZADD', listKey, 'GT', occurredAt, gameId)
    touchedLists[listKey] = markersKey
  end
end

for listKey, markersKey in pairs(touchedLists) do
  redis.call('ZREMRANGEBYRANK', listKey, 0, -(rvMax + 1))
  redis.call('PEXPIRE', listKey, rvTtl)
  redis.call('ZREMRANGEBYSCORE', markersKey, '-inf', '(' .. (now - tonumber(sessionTtl)))
  redis.call('PEXPIRE', markersKey, sessionTtl)
end
for key in pairs(touchedSessions) do
  redis.call('PEXPIRE', key, sessionTtl)
end

return applied
