-- Room slot. A node's first connection of a user joined the room: records the node's entry for the user and the
-- user's node count, and publishes a presence join when no node held the user before. Marks the room as existing.
-- Idempotent per node, room and user. Returns the room's members.
-- KEYS[1] members hash (user -> nodes holding the user)  KEYS[2] the room's node entries ("node user" -> 1)
-- KEYS[3] presence channel  KEYS[4] the room's created marker
-- ARGV[1] user  ARGV[2] "node user"  ARGV[3] presence payload  ARGV[4] PUBLISH or SPUBLISH  ARGV[5] now (epoch ms)
redis.call('SET', KEYS[4], ARGV[5], 'NX')
if redis.call('HSETNX', KEYS[2], ARGV[2], 1) == 1 then
  if redis.call('HINCRBY', KEYS[1], ARGV[1], 1) == 1 then
    redis.call(ARGV[4], KEYS[3], ARGV[3])
  end
end
return redis.call('HKEYS', KEYS[1])
