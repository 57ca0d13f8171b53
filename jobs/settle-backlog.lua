--[[
  Lowers a queue's backlog counter (src/ingest/backlog.ts) by the events of a job that
  has just finished; when the queue holds no job any more, sets it to 0 instead. A worker
  killed between finishing a job and lowering the counter leaves that job's events
  counted for ever otherwise, and enough such crashes would refuse every new event (503).

  Input:
    KEYS[1]     the queue's backlog counter
    KEYS[2..6]  the queue's BullMQ wait, paused and active lists, delayed and prioritized sets

    ARGV[1]     events of the finished job

  Output:
    the counter's new value.
]]
local pending = redis.call('LLEN', KEYS[2]) + redis.call('LLEN', KEYS[3])
  + redis.call('LLEN', KEYS[4]) + redis.call('ZCARD', KEYS[5]) + redis.call('ZCARD', KEYS[6])
if pending == 0 then
  redis.call('SET', KEYS[1], 0)
  return 0
end
return redis.call('DECRBY', KEYS[1], ARGV[1])
