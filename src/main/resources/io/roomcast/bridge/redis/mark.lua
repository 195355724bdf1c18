-- Room slot. Marks a room as existing (its created marker holds the room's incarnation); returns 1 when it is new here.
-- A new room's room.created event is recorded with the mark, so it cannot be lost between the two.
-- KEYS[1] the room's created marker  KEYS[2] the room's webhook queue  KEYS[3] the pending set (or the queue again)
-- ARGV[1] the incarnation  ARGV[2] webhook id of a room.created, or ''  ARGV[3] room  ARGV[4] '1': hint the pending
-- set  ARGV[5] now (epoch ms)
-- Records a webhook event in the room's queue (KEYS: queue, pending set) and, on a standalone Redis (sadd '1'),
-- hints the room in the pending set; in cluster mode that set lives in another slot and the node hints it after.
local function record(queue, pending, wid, room, sadd, ...)
  redis.call('XADD', queue, '*', 'w', wid, ...)
  if sadd == '1' then
    redis.call('SADD', pending, room)
  end
end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  return 0
end
if ARGV[2] ~= '' then
  record(KEYS[2], KEYS[3], ARGV[2], ARGV[3], ARGV[4], 'y', 'room.created', 'ts', ARGV[5])
end
return 1
