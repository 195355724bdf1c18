-- Room slot. The messages after a position, for a resuming join or a node's backfill: {1, entries} when the stream
-- still holds everything after it, {0} when it does not. Entries are [id, [field, value, ...]], oldest first.
-- A position is a message id, held while the stream holds that entry; or one before every id, 0-N: held while nothing
-- was ever removed from the stream (trimmed by size or age) and, for N other than 0, while the room is the incarnation
-- N names (its created marker): a join gave it for the room while it held no message. 0-0 is a node's own position
-- for a room that did not exist or held nothing when the node began to forward it.
-- With ARGV[3] = '1' the entry of the id itself is returned too (a node's backfill from the newest id stored when a
-- room got its first member, which it may not have forwarded yet).
-- KEYS[1] stream  KEYS[2] the room's created marker
-- ARGV[1] the position  ARGV[2] the most entries to return  ARGV[3] '1': the id's own entry included
local ms, seq = string.match(ARGV[1], '^(%d+)-(%d+)$')
if ms == '0' then
  if seq ~= '0' and redis.call('GET', KEYS[2]) ~= seq then
    return {0}
  end
  if redis.call('EXISTS', KEYS[1]) == 1 then
    local info = redis.call('XINFO', 'STREAM', KEYS[1])
    local length, added
    for i = 1, #info, 2 do
      if info[i] == 'length' then
        length = info[i + 1]
      elseif info[i] == 'entries-added' then
        added = info[i + 1]
      end
    end
    if length ~= added then
      return {0}
    end
  end
  return {1, redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', ARGV[2])}
end
if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) == 0 then
  return {0}
end
local start = ARGV[3] == '1' and ARGV[1] or '(' .. ARGV[1]
return {1, redis.call('XRANGE', KEYS[1], start, '+', 'COUNT', ARGV[2])}
