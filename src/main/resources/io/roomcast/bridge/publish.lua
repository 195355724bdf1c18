-- Stores a message in the room's stream and publishes it, atomically: stream ids are message ids, and every node
-- receives a room's messages in id order. With an idempotency key (scoped by user), a repeat answers the first id and
-- does nothing.
-- KEYS[1] stream  KEYS[2] idempotency key (ignored when ARGV[7] is '0')  KEYS[3] room activity (sorted set)
-- ARGV[1] user  ARGV[2] text  ARGV[3] stream length  ARGV[4] channel
-- ARGV[5] frame up to the id  ARGV[6] frame from the id to ts  ARGV[7] '1' when a key is given  ARGV[8] key TTL s
-- ARGV[9] retention age in ms  ARGV[10] room
-- The published payload is 'm' .. id .. newline .. the message event's JSON.
if ARGV[7] == '1' then
  local earlier = redis.call('GET', KEYS[2])
  if earlier then
    return {earlier, 0}
  end
end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[3], '*', 'u', ARGV[1], 't', ARGV[2])
if ARGV[7] == '1' then
  redis.call('SET', KEYS[2], id, 'EX', ARGV[8])
end
local ms = string.match(id, '^(%d+)')
redis.call('ZADD', KEYS[3], 'XX', ms, ARGV[10])
redis.call('XTRIM', KEYS[1], 'MINID', string.format('%.0f', tonumber(ms) - tonumber(ARGV[9])) .. '-0')
redis.call('PUBLISH', ARGV[4], 'm' .. id .. '\n' .. ARGV[5] .. id .. ARGV[6] .. ms .. '}')
return {id, 1}
