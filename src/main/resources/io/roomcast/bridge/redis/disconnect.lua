-- Global slot. An admitted connection of a user closed on this node (no effect when this node holds none of the user's).
-- KEYS[1] all connections: hash user -> count  KEYS[2] this node's: hash user -> count  ARGV[1] user
local mine = redis.call('HINCRBY', KEYS[2], ARGV[1], -1)
if mine <= 0 then
  redis.call('HDEL', KEYS[2], ARGV[1])
  if mine < 0 then
    return 0
  end
end
if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
end
return 1
