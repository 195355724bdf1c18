-- Records a room and announces it on the new-room channel. Returns 1 when it is new, 0 when it existed.
-- KEYS[1] room set  ARGV[1] room  ARGV[2] new-room channel  ARGV[3] maximum number of rooms
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then
  return 0
end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return redis.error_reply('ROOMCAST_TOO_MANY_ROOMS')
end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[1])
return 1
