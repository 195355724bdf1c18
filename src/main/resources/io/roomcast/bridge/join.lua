-- A user's connections on this node joined a room: records the room (announcing it when new, within the room limit
-- and the creator's quota) and the user's presence from this node; publishes a presence join when no node held the
-- user before. Idempotent per node, room and user. Returns the room's members.
-- KEYS[1] room set  KEYS[2] room members hash (user -> nodes holding the user)  KEYS[3] this node's presence hash
-- KEYS[4] room activity (sorted set)  KEYS[5] the joiner's quota counter
-- ARGV[1] room  ARGV[2] user  ARGV[3] node field "room user"  ARGV[4] new-room channel
-- ARGV[5] presence channel  ARGV[6] presence payload  ARGV[7] maximum number of rooms  ARGV[8] now (epoch ms)
-- ARGV[9] '1' when the joiner has a quota  ARGV[10] rooms per quota window  ARGV[11] quota window (s)
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then
  if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[7]) then
    return redis.error_reply('ROOMCAST_TOO_MANY_ROOMS the server holds its maximum of rooms')
  end
  if ARGV[9] == '1' then
    if tonumber(redis.call('GET', KEYS[5]) or '0') >= tonumber(ARGV[10]) then
      return redis.error_reply('ROOMCAST_QUOTA room creation quota reached')
    end
    if redis.call('INCR', KEYS[5]) == 1 then
      redis.call('EXPIRE', KEYS[5], ARGV[11])
    end
  end
  redis.call('SADD', KEYS[1], ARGV[1])
  redis.call('PUBLISH', ARGV[4], ARGV[1])
end
redis.call('ZADD', KEYS[4], ARGV[8], ARGV[1])
if redis.call('HSETNX', KEYS[3], ARGV[3], 1) == 1 then
  if redis.call('HINCRBY', KEYS[2], ARGV[2], 1) == 1 then
    redis.call('PUBLISH', ARGV[5], ARGV[6])
  end
end
return redis.call('HKEYS', KEYS[2])
