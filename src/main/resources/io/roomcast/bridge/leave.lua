-- The last of a user's connections on this node left a room: drops this node's presence entry and publishes a
-- presence leave when no node holds the user any more. Does nothing when this node held no entry.
-- KEYS[1] room members hash  KEYS[2] this node's presence hash  KEYS[3] room activity (sorted set)
-- ARGV[1] user  ARGV[2] node field "room user"  ARGV[3] presence channel  ARGV[4] presence payload
-- ARGV[5] room  ARGV[6] now (epoch ms)
if redis.call('HDEL', KEYS[2], ARGV[2]) == 0 then
  return 0
end
redis.call('ZADD', KEYS[3], 'XX', ARGV[6], ARGV[5])
if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('PUBLISH', ARGV[3], ARGV[4])
end
return 1
