-- Global slot. Takes the webhook delivery lease for ARGV[2] ms, or renews it when this node holds it; 1 when held.
-- A ttl of 0 gives the lease up, if this node holds it (a node that stops hands over at once).
-- KEYS[1] the lease  ARGV[1] this node  ARGV[2] ttl (ms)
if ARGV[2] == '0' then
  if redis.call('GET', KEYS[1]) == ARGV[1] then
    redis.call('DEL', KEYS[1])
  end
  return 0
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
return 0
