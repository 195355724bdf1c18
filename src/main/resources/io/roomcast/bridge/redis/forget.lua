-- Global slot. Forgets a room whose keys were dropped, if nothing made it active since the cutoff (a join racing the
-- sweep keeps it), and announces the deletion. Returns 1 when forgotten. Idempotent.
-- KEYS[1] room activity  KEYS[2] room set
-- ARGV[1] room  ARGV[2] cutoff (epoch ms)  ARGV[3] deleted-room channel
local last = redis.call('ZSCORE', KEYS[1], ARGV[1])
if last and tonumber(last) > tonumber(ARGV[2]) then
  return 0
end
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('SREM', KEYS[2], ARGV[1]) == 0 then
  return 0
end
redis.call('PUBLISH', ARGV[3], ARGV[1])
return 1
