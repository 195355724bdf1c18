-- Global slot. The rooms with no message, join or leave since the cutoff, at most ARGV[3] of them. Rooms listed before
-- activity was recorded are adopted a few at a time (counted as active now).
-- KEYS[1] room activity (sorted set room -> epoch ms)  KEYS[2] room set
-- ARGV[1] cutoff (epoch ms)  ARGV[2] now (epoch ms)  ARGV[3] most rooms to return
for _, room in ipairs(redis.call('SRANDMEMBER', KEYS[2], 10)) do
  redis.call('ZADD', KEYS[1], 'NX', ARGV[2], room)
end
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
