-- Room slot. The messages after a client's last seen id, for a resuming join: {1, entries} when the stream still holds that id,
-- {0} when it does not (trimmed, or never stored here). Entries are [id, [field, value, ...]], oldest first.
-- The id 0-0 means "nothing seen yet": everything retained is returned. With ARGV[3] = '1' the entry of that id is
-- returned too (a node's backfill from the newest id stored when a room got its first member, which it may not have
-- forwarded yet).
-- KEYS[1] stream  ARGV[1] the last seen id  ARGV[2] the most entries to return  ARGV[3] '1': that id included
if ARGV[1] == '0-0' then
  return {1, redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', ARGV[2])}
end
if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) == 0 then
  return {0}
end
local start = ARGV[3] == '1' and ARGV[1] or '(' .. ARGV[1]
return {1, redis.call('XRANGE', KEYS[1], start, '+', 'COUNT', ARGV[2])}
