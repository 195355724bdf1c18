-- Room slot. Deletes an idle room's stream, members, node entries, created marker and idempotency keys (those its key
-- index lists), unless it has a member (returns 0 then). Idempotent.
-- KEYS[1] members hash  KEYS[2] stream  KEYS[3] the room's node entries  KEYS[4] the room's created marker
-- KEYS[5] the room's key index
if redis.call('HLEN', KEYS[1]) > 0 then
  return 0
end
for _, key in ipairs(redis.call('ZRANGE', KEYS[5], 0, -1)) do
  redis.call('DEL', key)
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
return 1
