-- Room slot. A node's last connection of a user left the room, or a gone node's entry is released: drops the node's
-- entry and publishes a presence leave when no node holds the user any more. Does nothing (returns 0) when the node
-- held no entry, so it is idempotent.
-- KEYS[1] members hash  KEYS[2] the room's node entries  KEYS[3] presence channel
-- ARGV[1] user  ARGV[2] "node user"  ARGV[3] presence payload  ARGV[4] PUBLISH or SPUBLISH
-- KEYS[4] the room's webhook queue  KEYS[5] the pending set (or the queue again)  ARGV[5] webhook id of a member.left,
-- or ''  ARGV[6] room  ARGV[7] '1': hint the pending set  ARGV[8] now (epoch ms)
-- Records a webhook event in the room's queue (KEYS: queue, pending set) and, on a standalone Redis (sadd '1'),
-- hints the room in the pending set; in cluster mode that set lives in another slot and the node hints it after.
local function record(queue, pending, wid, room, sadd, ...)
  redis.call('XADD', queue, '*', 'w', wid, ...)
  if sadd == '1' then
    redis.call('SADD', pending, room)
  end
end
if redis.call('HDEL', KEYS[2], ARGV[2]) == 0 then
  return 0
end
if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call(ARGV[4], KEYS[3], ARGV[3])
  if ARGV[5] ~= '' then
    record(KEYS[4], KEYS[5], ARGV[5], ARGV[6], ARGV[7], 'y', 'member.left', 'ts', ARGV[8], 'u', ARGV[1])
  end
end
return 1
