-- Room slot. A node's last connection of a user left the room, or a gone node's entry is released: drops the node's
-- entry and publishes a presence leave when no node holds the user any more. Does nothing (returns 0) when the node
-- held no entry, so it is idempotent.
-- KEYS[1] members hash  KEYS[2] the room's node entries  KEYS[3] presence channel
-- ARGV[1] user  ARGV[2] "node user"  ARGV[3] presence payload  ARGV[4] PUBLISH or SPUBLISH
if redis.call('HDEL', KEYS[2], ARGV[2]) == 0 then
  return 0
end
if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call(ARGV[4], KEYS[3], ARGV[3])
end
return 1
