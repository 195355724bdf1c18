-- Room slot. Stores a message in the room's stream and publishes it, atomically: stream ids are message ids, and
-- every node receives a room's messages in id order. With an idempotency key (scoped by user), a repeat answers the
-- first id and does nothing. A room that does not exist (never created, or deleted for being idle) is refused. A key
-- is listed in the room's key index until it expires, so deleting the room deletes its keys (drop.lua).
-- KEYS[1] stream  KEYS[2] idempotency key (ignored when ARGV[4] is '0')  KEYS[3] message channel
-- KEYS[4] the room's created marker  KEYS[5] the room's key index (sorted set: key name -> when it expires, epoch
-- ms; ignored when ARGV[4] is '0')
-- ARGV[1] user  ARGV[2] text  ARGV[3] stream length  ARGV[4] '1' when a key is given  ARGV[5] key TTL (s)
-- ARGV[6] retention age (ms)  ARGV[7] PUBLISH or SPUBLISH
-- ARGV[8] ARGV[9] ARGV[10] ARGV[11]: the payload is ARGV[8] .. id .. ARGV[9] .. id .. ARGV[10] .. ms .. ARGV[11]
-- (PubSubPayload frames it; only the id and its milliseconds are known here)
-- KEYS[6] the room's webhook queue  KEYS[7] the pending set (or the queue again)  ARGV[12] the event's webhook id, or
-- '' when message.created is not delivered  ARGV[13] room  ARGV[14] '1': hint the room in the pending set
-- Records a webhook event in the room's queue (KEYS: queue, pending set) and, on a standalone Redis (sadd '1'),
-- hints the room in the pending set; in cluster mode that set lives in another slot and the node hints it after.
local function record(queue, pending, wid, room, sadd, ...)
  redis.call('XADD', queue, '*', 'w', wid, ...)
  if sadd == '1' then
    redis.call('SADD', pending, room)
  end
end
if redis.call('EXISTS', KEYS[4]) == 0 then
  return redis.error_reply('ROOMCAST_NO_ROOM no such room')
end
if ARGV[4] == '1' then
  local earlier = redis.call('GET', KEYS[2])
  if earlier then
    return {earlier, 0}
  end
end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[3], '*', 'u', ARGV[1], 't', ARGV[2])
local ms = string.match(id, '^(%d+)')
if ARGV[4] == '1' then
  redis.call('SET', KEYS[2], id, 'EX', ARGV[5])
  redis.call('ZADD', KEYS[5], string.format('%.0f', tonumber(ms) + tonumber(ARGV[5]) * 1000), KEYS[2])
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', ms)
end
redis.call('XTRIM', KEYS[1], 'MINID', string.format('%.0f', tonumber(ms) - tonumber(ARGV[6])) .. '-0')
redis.call(ARGV[7], KEYS[3], ARGV[8] .. id .. ARGV[9] .. id .. ARGV[10] .. ms .. ARGV[11])
if ARGV[12] ~= '' then
  record(KEYS[6], KEYS[7], ARGV[12], ARGV[13], ARGV[14], 'y', 'message.created', 'ts', ms, 'm', id, 'u', ARGV[1],
    't', ARGV[2])
end
return {id, 1}
