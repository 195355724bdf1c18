-- Global slot. Releases a node that is gone (or stopping), once its rooms' entries were released with leave.lua:
-- its connection counts leave the totals, and its index, counts, heartbeat and registration are deleted. Idempotent:
-- the counts are read and deleted in one step. Returns the number of index entries it held.
-- KEYS[1] the node's connection counts  KEYS[2] all connection counts  KEYS[3] the node's presence index
-- KEYS[4] the node's heartbeat  KEYS[5] the node set  KEYS[6] the node's release lock
-- ARGV[1] node id
local counts = redis.call('HGETALL', KEYS[1])
for i = 1, #counts, 2 do
  if redis.call('HINCRBY', KEYS[2], counts[i], -tonumber(counts[i + 1])) <= 0 then
    redis.call('HDEL', KEYS[2], counts[i])
  end
end
local entries = redis.call('HLEN', KEYS[3])
redis.call('DEL', KEYS[1], KEYS[3], KEYS[4], KEYS[6])
redis.call('SREM', KEYS[5], ARGV[1])
return entries
