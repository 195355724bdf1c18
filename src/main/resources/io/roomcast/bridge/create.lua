-- Records a room and announces it on the new-room channel. Returns 1 when it is new, 0 when it existed (either way
-- the room counts as active now, so the idle sweep leaves it alone).
-- KEYS[1] room set  KEYS[2] room activity (sorted set room -> epoch ms)  KEYS[3] the creator's quota counter
-- ARGV[1] room  ARGV[2] new-room channel  ARGV[3] maximum number of rooms  ARGV[4] now (epoch ms)
-- ARGV[5] '1' when the creator has a quota  ARGV[6] rooms per quota window  ARGV[7] quota window (s)
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then
  return 0
end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return redis.error_reply('ROOMCAST_TOO_MANY_ROOMS the server holds its maximum of rooms')
end
if ARGV[5] == '1' then
  if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[6]) then
    redis.call('ZREM', KEYS[2], ARGV[1])
    return redis.error_reply('ROOMCAST_QUOTA room creation quota reached')
  end
  if redis.call('INCR', KEYS[3]) == 1 then
    redis.call('EXPIRE', KEYS[3], ARGV[7])
  end
end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[1])
return 1
