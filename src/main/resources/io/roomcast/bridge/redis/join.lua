-- Room slot. A connection joins the room: with ARGV[6] = '1' (a node's first connection of the user), records the
-- node's entry for the user and the user's node count, and publishes a presence join when no node held the user before.
-- Marks the room as existing (its created marker holds the room's incarnation). Idempotent per node, room and user.
-- Returns {members, position}: the position is the id of the newest message stored, or '0-' .. the incarnation when
-- the room holds none (a position before every id, which only this incarnation of the room answers to).
-- KEYS[1] members hash (user -> nodes holding the user)  KEYS[2] the room's node entries ("node user" -> 1)
-- KEYS[3] presence channel  KEYS[4] the room's created marker  KEYS[5] stream
-- ARGV[1] user  ARGV[2] "node user"  ARGV[3] presence payload  ARGV[4] PUBLISH or SPUBLISH
-- ARGV[5] the incarnation of the room if it is new  ARGV[6] '1': record the node's entry for the user
-- KEYS[6] the room's webhook queue  KEYS[7] the pending set (or the queue again)  ARGV[7] webhook id of a
-- member.joined, or ''  ARGV[8] of a room.created, or ''  ARGV[9] room  ARGV[10] '1': hint the pending set
-- ARGV[11] now (epoch ms)
-- Records a webhook event in the room's queue (KEYS: queue, pending set) and, on a standalone Redis (sadd '1'),
-- hints the room in the pending set; in cluster mode that set lives in another slot and the node hints it after.
local function record(queue, pending, wid, room, sadd, ...)
  redis.call('XADD', queue, '*', 'w', wid, ...)
  if sadd == '1' then
    redis.call('SADD', pending, room)
  end
end
if redis.call('SET', KEYS[4], ARGV[5], 'NX') and ARGV[8] ~= '' then
  record(KEYS[6], KEYS[7], ARGV[8], ARGV[9], ARGV[10], 'y', 'room.created', 'ts', ARGV[11])
end
if ARGV[6] == '1' and redis.call('HSETNX', KEYS[2], ARGV[2], 1) == 1 then
  if redis.call('HINCRBY', KEYS[1], ARGV[1], 1) == 1 then
    redis.call(ARGV[4], KEYS[3], ARGV[3])
    if ARGV[7] ~= '' then
      record(KEYS[6], KEYS[7], ARGV[7], ARGV[9], ARGV[10], 'y', 'member.joined', 'ts', ARGV[11], 'u', ARGV[1])
    end
  end
end
local newest = redis.call('XREVRANGE', KEYS[5], '+', '-', 'COUNT', 1)[1]
local position = newest and newest[1] or ('0-' .. redis.call('GET', KEYS[4]))
return {redis.call('HKEYS', KEYS[1]), position}
