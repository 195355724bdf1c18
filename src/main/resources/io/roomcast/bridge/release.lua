-- Releases the presence entries and connection counts of a node that is gone: for each "room user" entry the node
-- held, the user's node count drops, and when no node holds the user any more a presence leave is published, once. With ARGV[2] = '*',
-- every registered node whose heartbeat key has expired is released (run by every node, idempotent); otherwise the
-- named node is (a node stopping gracefully releases itself). Returns the number of entries released.
-- ARGV[1] key prefix  ARGV[2] node id or '*'  ARGV[3] now (epoch ms): when released rooms were last active
local prefix = ARGV[1]
local released = 0

local function release(node)
  local hash = prefix .. ':node:' .. node .. ':presence'
  for _, field in ipairs(redis.call('HKEYS', hash)) do
    local space = string.find(field, ' ', 1, true)
    if space then
      local room = string.sub(field, 1, space - 1)
      local user = string.sub(field, space + 1)
      local members = prefix .. ':room:' .. room .. ':members'
      redis.call('ZADD', prefix .. ':rooms:activity', 'XX', ARGV[3], room)
      if redis.call('HINCRBY', members, user, -1) <= 0 then
        redis.call('HDEL', members, user)
        redis.call('PUBLISH', prefix .. ':room:' .. room .. ':join', 'p' .. user .. '\n'
          .. '{"type":"presence","room":' .. cjson.encode(room) .. ',"event":"leave","user":' .. cjson.encode(user) .. '}')
      end
      released = released + 1
    end
  end
  local conns = prefix .. ':node:' .. node .. ':conns'
  local counts = redis.call('HGETALL', conns)
  for i = 1, #counts, 2 do
    if redis.call('HINCRBY', prefix .. ':connections', counts[i], -tonumber(counts[i + 1])) <= 0 then
      redis.call('HDEL', prefix .. ':connections', counts[i])
    end
  end
  redis.call('DEL', hash, conns, prefix .. ':node:' .. node .. ':alive')
  redis.call('SREM', prefix .. ':nodes', node)
end

if ARGV[2] == '*' then
  for _, node in ipairs(redis.call('SMEMBERS', prefix .. ':nodes')) do
    if redis.call('EXISTS', prefix .. ':node:' .. node .. ':alive') == 0 then
      release(node)
    end
  end
else
  release(ARGV[2])
end
return released
