--[[
  Folds a batch of events into Redis, each event at most once (SPEC §5): the user's
  recently-viewed sorted set and the session hash of SPEC §4.3.

  Input:
    KEYS[2i-1]  recently-viewed sorted set of event i's user (game id -> event time, ms)
    KEYS[2i]    session hash of event i

    ARGV[1]     recently-viewed max entries
    ARGV[2]     recently-viewed TTL, ms (from this write: arrival time)
    ARGV[3]     session TTL, ms (from this write)
    ARGV[4..]   7 per event: event_id, event_type, game_id ('' when none),
                occurred_at (ms), time_spent ('' when none), user_id, referrer_page

  Output:
    the number of events applied; an event whose marker `e:<event_id>` is already in its
    session hash (a retried job, a resent event) changes nothing.

  Session hash fields (src/session-fields.ts): user_id, start, last, entry_page,
  last_page, views, games, spent, n:<event_type>, e:<event_id>, g:<game_id>.
]]
local rvMax = tonumber(ARGV[1])
local rvTtl = ARGV[2]
local sessionTtl = ARGV[3]

local applied = 0
local touchedLists = {}
local touchedSessions = {}

for i = 1, #KEYS / 2 do
  local listKey = KEYS[2 * i - 1]
  local sessionKey = KEYS[2 * i]
  local a = 3 + (i - 1) * 7
  local eventId, eventType, gameId = ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
  local occurredAt, timeSpent = ARGV[a + 4], ARGV[a + 5]
  local userId, referrer = ARGV[a + 6], ARGV[a + 7]

  if redis.call('HSETNX', sessionKey, 'e:' .. eventId, 1) == 1 then
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
      if gameId ~= '' then
        if redis.call('HSETNX', sessionKey, 'g:' .. gameId, 1) == 1 then
          redis.call('HINCRBY', sessionKey, 'games', 1)
        end
        -- GT: a view older than the one already listed for this game never moves it back.
        redis.call('ZADD', listKey, 'GT', occurredAt, gameId)
        touchedLists[listKey] = true
      end
    end
  end
end

for key in pairs(touchedLists) do
  redis.call('ZREMRANGEBYRANK', key, 0, -(rvMax + 1))
  redis.call('PEXPIRE', key, rvTtl)
end
for key in pairs(touchedSessions) do
  redis.call('PEXPIRE', key, sessionTtl)
end

return applied
