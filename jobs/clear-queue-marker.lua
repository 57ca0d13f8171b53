--[[
  Clears a queue's base marker when no job is waiting. BullMQ sets the marker again each
  time it takes a job, so that another fetch looks for more; a worker that has just taken
  every waiting job (jobs/batch-worker.ts) would otherwise wake once more on it and ask for
  a job that is not there. A job added later sets the marker again, so nothing waits
  unseen. Delayed jobs keep their own marker (member "1").

  Input:
    KEYS[1]     the queue's wait list
    KEYS[2]     its prioritized set
    KEYS[3]     its marker

  Output:
    1 if the marker was cleared, 0 if jobs are waiting (or it was not set).
]]
if redis.call('LLEN', KEYS[1]) > 0 or redis.call('ZCARD', KEYS[2]) > 0 then
  return 0
end
return redis.call('ZREM', KEYS[3], '0')
