-- Room slot. Deletes an idle room's stream, members, node entries and created marker, unless it has a member
-- (returns 0 then). Idempotent.
-- KEYS[1] members hash  KEYS[2] stream  KEYS[3] the room's node entries  KEYS[4] the room's created marker
if redis.call('HLEN', KEYS[1]) > 0 then
  return 0
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
return 1
