-- Global slot. Makes this node's connection counts what the node really holds (after Redis lost data or missed
-- disconnects), moving the totals by the same differences, atomically. Returns the number of users corrected.
-- KEYS[1] this node's counts: hash user -> count  KEYS[2] all counts: hash user -> count
-- ARGV: user, count, user, count, ... (every user the node holds a connection of)
local held = {}
for i = 1, #ARGV, 2 do
  held[ARGV[i]] = tonumber(ARGV[i + 1])
end
local corrected = 0
local function set(user, want)
  local had = tonumber(redis.call('HGET', KEYS[1], user) or '0')
  if had ~= want then
    corrected = corrected + 1
    if want > 0 then
      redis.call('HSET', KEYS[1], user, want)
    else
      redis.call('HDEL', KEYS[1], user)
    end
    if redis.call('HINCRBY', KEYS[2], user, want - had) <= 0 then
      redis.call('HDEL', KEYS[2], user)
    end
  end
end
for _, user in ipairs(redis.call('HKEYS', KEYS[1])) do
  set(user, held[user] or 0)
  held[user] = nil
end
for user, want in pairs(held) do
  set(user, want)
end
return corrected
