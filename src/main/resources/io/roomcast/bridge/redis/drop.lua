-- Room slot. Deletes an idle room's stream, members, node entries, created marker and idempotency keys (those its key
-- index lists), unless it has a member (returns 0 then). Idempotent.
-- KEYS[1] members hash  KEYS[2] stream  KEYS[3] the room's node entries  KEYS[4] the room's created marker
-- KEYS[5] the room's key index
-- KEYS[6] the room's webhook queue (kept: its events outlive the room)  KEYS[7] the pending set (or the queue again)
-- ARGV[1] webhook id of a room.deleted, or ''  ARGV[2] room  ARGV[3] '1': hint the pending set  ARGV[4] now (epoch ms)
-- Records a webhook event in the room's queue (KEYS: queue, pending set) and, on a standalone Redis (sadd '1'),
-- hints the room in the pending set; in cluster mode that set lives in another slot and the node hints it after.
local function record(queue, pending, wid, room, sadd, ...)
  redis.call('XADD', queue, '*', 'w', wid, ...)
  if sadd == '1' then
    redis.call('SADD', pending, room)
  end
end
if redis.call('HLEN', KEYS[1]) > 0 then
  return 0
end
for _, key in ipairs(redis.call('ZRANGE', KEYS[5], 0, -1)) do
  redis.call('DEL', key)
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
if ARGV[1] ~= '' then
  record(KEYS[6], KEYS[7], ARGV[1], ARGV[2], ARGV[3], 'y', 'room.deleted', 'ts', ARGV[4])
end
return 1
