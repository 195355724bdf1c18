-- Global slot. A connection of a user opens on this node: admitted (1) unless the user holds ARGV[2] connections across all
-- nodes already (0). This node's share is kept apart so it can be released when the node stops or dies.
-- KEYS[1] all connections: hash user -> count  KEYS[2] this node's: hash user -> count
-- ARGV[1] user  ARGV[2] the most connections per user
if redis.call('HINCRBY', KEYS[1], ARGV[1], 1) > tonumber(ARGV[2]) then
  if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then
    redis.call('HDEL', KEYS[1], ARGV[1])
  end
  return 0
end
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
return 1
