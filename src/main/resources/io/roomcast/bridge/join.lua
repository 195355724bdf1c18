-- A user's connections on this node joined a room: records the room (announcing it when new) and the user's presence
-- from this node; publishes a presence join when no node held the user before. Idempotent per node, room and user.
-- Returns the room's members.
-- KEYS[1] room set  KEYS[2] room members hash (user -> nodes holding the user)  KEYS[3] this node's presence hash
-- ARGV[1] room  ARGV[2] user  ARGV[3] node field "room user"  ARGV[4] new-room channel
-- ARGV[5] presence channel  ARGV[6] presence payload  ARGV[7] maximum number of rooms
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then
  if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[7]) then
    return redis.error_reply('ROOMCAST_TOO_MANY_ROOMS')
  end
  redis.call('SADD', KEYS[1], ARGV[1])
  redis.call('PUBLISH', ARGV[4], ARGV[1])
end
if redis.call('HSETNX', KEYS[3], ARGV[3], 1) == 1 then
  if redis.call('HINCRBY', KEYS[2], ARGV[2], 1) == 1 then
    redis.call('PUBLISH', ARGV[5], ARGV[6])
  end
end
return redis.call('HKEYS', KEYS[2])
