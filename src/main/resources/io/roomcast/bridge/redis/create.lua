-- Global slot. Records a room and announces it on the new-room channel; returns 1 when it is new, 0 when it existed.
-- Either way the room counts as active now, so the idle sweep leaves it alone. With ARGV[8] set, also records the
-- field in this node's presence index (written before the room's own entry, so the index never misses one).
-- KEYS[1] room set  KEYS[2] room activity (sorted set room -> epoch ms)  KEYS[3] the creator's quota counter
-- KEYS[4] this node's presence index
-- ARGV[1] room  ARGV[2] new-room channel  ARGV[3] maximum number of rooms  ARGV[4] now (epoch ms)
-- ARGV[5] '1' when the creator has a quota  ARGV[6] rooms per quota window  ARGV[7] quota window (s)
-- ARGV[8] index field "room user", or ''
local new = 0
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then
  if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[3]) then
    return redis.error_reply('ROOMCAST_TOO_MANY_ROOMS the server holds its maximum of rooms')
  end
  if ARGV[5] == '1' then
    if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[6]) then
      return redis.error_reply('ROOMCAST_QUOTA room creation quota reached')
    end
    if redis.call('INCR', KEYS[3]) == 1 then
      redis.call('EXPIRE', KEYS[3], ARGV[7])
    end
  end
  redis.call('SADD', KEYS[1], ARGV[1])
  redis.call('PUBLISH', ARGV[2], ARGV[1])
  new = 1
end
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
if ARGV[8] ~= '' then
  redis.call('HSET', KEYS[4], ARGV[8], 1)
end
return new
