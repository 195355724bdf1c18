-- Deletes rooms that stayed empty and silent: no member, and no message, join or leave since ARGV[2]. A deleted room
-- leaves the room set with its stream and members hash, and its name is published on the deleted-room channel.
-- Rooms listed before activity was recorded are adopted a few at a time (counted as active now). Every node runs it;
-- it is idempotent. Returns the number of rooms deleted.
-- KEYS[1] room activity (sorted set room -> epoch ms)  KEYS[2] room set
-- ARGV[1] key prefix  ARGV[2] cutoff (epoch ms)  ARGV[3] now (epoch ms)  ARGV[4] deleted-room channel
-- ARGV[5] most rooms to look at
for _, room in ipairs(redis.call('SRANDMEMBER', KEYS[2], 10)) do
  redis.call('ZADD', KEYS[1], 'NX', ARGV[3], room)
end
local deleted = 0
for _, room in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[5]))) do
  local base = ARGV[1] .. ':room:' .. room
  if redis.call('HLEN', base .. ':members') == 0 then
    redis.call('ZREM', KEYS[1], room)
    redis.call('SREM', KEYS[2], room)
    redis.call('DEL', base .. ':stream', base .. ':members')
    redis.call('PUBLISH', ARGV[4], room)
    deleted = deleted + 1
  else
    redis.call('ZADD', KEYS[1], ARGV[3], room)
  end
end
return deleted
