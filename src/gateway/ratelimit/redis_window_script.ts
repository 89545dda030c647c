/**
 * The sliding-window counter (sliding_window.ts) as one Lua script, so that check and increment are
 * a single atomic step in Redis however many gateway replicas share the bucket.
 *
 * KEYS[1] is the bucket, a hash {w: window index, p: previous count, c: current count}. ARGV is
 * windowMs, limit, cost, and the time in milliseconds — or "" to use the Redis server's clock, so
 * that every replica counts in the same windows whatever their own clocks say. The arithmetic is
 * `advance` and `decide` step by step, in the same order, so the allowed/refused answer is the very
 * one the pure functions give for the state it returns. A refused request writes nothing. The
 * bucket expires when it can no longer affect a decision: at the start of window w + 2.
 *
 * Numbers cross as strings printed with 17 significant digits (Lua numbers are doubles, like
 * JavaScript's, and a Redis integer reply would truncate fractions). The reply is
 * {allowed ("1" | "0"), w, p, c, t}: the state before this request's cost, and the time used.
 */
import { LuaScript } from "../../redis/script.ts";

export const SLIDING_WINDOW_SCRIPT = new LuaScript(
  "sliding_window",
  `
local function num(x) return string.format('%.17g', x) end
local windowMs = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = tonumber(ARGV[4])
if t == nil then
  local now = redis.call('TIME')
  t = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
end
local window = math.floor(t / windowMs)
local stored = redis.call('HMGET', KEYS[1], 'w', 'p', 'c')
local w = tonumber(stored[1])
local p = tonumber(stored[2]) or 0
local c = tonumber(stored[3]) or 0
if w == nil or w < window - 1 then
  w, p, c = window, 0, 0
elseif w == window - 1 then
  w, p, c = window, c, 0
end
local f = (t - w * windowMs) / windowMs
local estimate = p * (1 - f) + c
local allowed = estimate + cost <= limit
if allowed then
  redis.call('HSET', KEYS[1], 'w', num(w), 'p', num(p), 'c', num(c + cost))
  local ttl = math.ceil((w + 2) * windowMs - t)
  if ttl < 1 then ttl = 1 end
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return {allowed and '1' or '0', num(w), num(p), num(c), num(t)}
`,
);
