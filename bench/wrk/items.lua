-- wrk script for bench/bench.py: requests from a prepared list, each sent once or round-robin for the run.
--
--   wrk -t1 -c32 -d30s --timeout 30s -s bench/wrk/items.lua http://127.0.0.1:PORT -- DIR ROW MODE EXPECT
--
--   DIR/ROW.items     one request a line: METHOD <TAB> PATH <TAB> HEADERS <TAB> BODY
--   DIR/headers/NAME  the request's headers, one "Name: value" a line
--   DIR/bodies/NAME   the request body, raw bytes ("-" in the list: no body)
--   MODE              "cycle": round-robin until wrk's -d ends the run; "once": every line once, then stop
--   EXPECT            the HTTP statuses that count as success, comma-separated (e.g. "200" or "201")
--   THREADS           wrk's -t (thread n takes lines n, n + THREADS, ...); bench.py uses 1
--
-- When a "once" list runs out, each connection that asks for more is parked (delay(): no request until wrk
-- ends), and once every request sent is answered the thread stops and writes DIR/ROW.done; bench.py then ends
-- wrk at once (SIGINT). A parked connection is open and idle: a gunicorn sync worker that accepts it waits on
-- it until wrk exits, but only after the requests queued before it, the ones still to be answered.
-- done() prints one line, "BENCH_WRK <json>": wrk's counts and latency percentiles (µs), the statuses seen,
-- and the measured span (monotonic clock: the first request, the last answer, the stop).

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("bench_timespec")

local function now()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) * 1e-9
end

local function read_file(path)
  local f = assert(io.open(path, "rb"), "cannot open " .. path)
  local data = f:read("*a")
  f:close()
  return data
end

-- main state: one entry per thread, read back in done()
local threads = {}

function setup(thread)
  thread:set("thread_no", #threads)
  table.insert(threads, thread)
end

-- thread state
local requests, count, cursor, dir, row, mode, expect = {}, 0, 1, "", "", "cycle", {}
local dummy -- never answered: asked for only after the thread stopped
local PARK_MS = 3600000

function init(args)
  dir, row, mode = args[1], args[2], args[3]
  for status in string.gmatch(args[4], "%d+") do expect[tonumber(status)] = true end
  thread_count = tonumber(args[5] or "1")
  local headers, bodies = {}, {}
  local line_no = 0
  for line in io.lines(dir .. "/" .. row .. ".items") do
    line_no = line_no + 1
    if line ~= "" and (line_no - 1) % thread_count == thread_no then
      local method, path, header_set, body_name = string.match(line, "^([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)$")
      assert(method, "bad line " .. line_no .. " in " .. row .. ".items")
      if headers[header_set] == nil then
        local set = {}
        for header in io.lines(dir .. "/headers/" .. header_set) do
          local name, value = string.match(header, "^([^:]+):%s*(.*)$")
          if name then set[name] = value end
        end
        headers[header_set] = set
      end
      local body = nil
      if body_name ~= "-" then
        if bodies[body_name] == nil then bodies[body_name] = read_file(dir .. "/bodies/" .. body_name) end
        body = bodies[body_name]
      end
      local copy = {} -- wrk.format adds Host and Content-Length to the table it is given
      for name, value in pairs(headers[header_set]) do copy[name] = value end
      count = count + 1
      requests[count] = wrk.format(method, path, copy, body)
    end
  end
  dummy = wrk.format("GET", "/_floor/json", {})
  sent, answered, unexpected, statuses, exhausted = 0, 0, 0, {}, false
  first_at, last_at, stopped_at = 0, 0, 0
  verified = thread_no ~= 0
end

local function stop_when_all_answered()
  if exhausted and stopped_at == 0 and answered >= sent then
    stopped_at = now()
    local marker = assert(io.open(dir .. "/" .. row .. ".done." .. thread_no, "w"))
    marker:write("done\n")
    marker:close()
    wrk.thread:stop()
  end
end

function delay()
  if mode == "once" and cursor > count then
    exhausted = true
    stop_when_all_answered()
    return PARK_MS
  end
  return 0
end

function request()
  if not verified then
    -- wrk calls request() once on thread 0 before the run, to check that it returns valid HTTP: not sent
    verified = true
    return requests[1] or dummy
  end
  if first_at == 0 then first_at = now() end
  if cursor > count then
    if mode ~= "cycle" or count == 0 then return dummy end
    cursor = 1
  end
  local req = requests[cursor]
  cursor = cursor + 1
  sent = sent + 1
  return req
end

function response(status, headers, body)
  last_at = now()
  answered = answered + 1
  statuses[status] = (statuses[status] or 0) + 1
  if not expect[status] then unexpected = unexpected + 1 end
  stop_when_all_answered()
end

local function json_value(v)
  if type(v) == "table" then
    local parts = {}
    for k, x in pairs(v) do parts[#parts + 1] = string.format("%q:%s", tostring(k), json_value(x)) end
    return "{" .. table.concat(parts, ",") .. "}"
  elseif type(v) == "boolean" then
    return v and "true" or "false"
  elseif type(v) == "number" then
    return string.format("%.6f", v)
  end
  return string.format("%q", tostring(v))
end

function done(summary, latency, requests_stats)
  local per_thread = {}
  for _, t in ipairs(threads) do
    per_thread[#per_thread + 1] = {
      items = t:get("count"), sent = t:get("sent"), answered = t:get("answered"),
      unexpected = t:get("unexpected"), statuses = t:get("statuses"), exhausted = t:get("exhausted"),
      first_at = t:get("first_at"), last_at = t:get("last_at"), stopped_at = t:get("stopped_at"),
    }
  end
  local pct = {}
  for _, p in ipairs({ 50, 90, 95, 99, 99.9 }) do pct[tostring(p)] = latency:percentile(p) end
  local out = {
    duration_us = summary.duration, requests = summary.requests, bytes = summary.bytes,
    errors = summary.errors, latency_us = {
      min = latency.min, max = latency.max, mean = latency.mean, stdev = latency.stdev, percentiles = pct,
    },
    threads = per_thread,
  }
  io.write("BENCH_WRK " .. json_value(out) .. "\n")
end
