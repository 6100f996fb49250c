-- wrk script for bench/http_load.py: rotates over a file of requests, counts status codes,
-- and prints one JSON line of figures (latencies in microseconds).
--
--   wrk ... -s bench/wrk_requests.lua URL -- <requests file> <run tag> <threads>
--
-- The requests file has a header block, then one request per line:
--   METHOD <GET|POST>
--   HEADER Name: value        (any number)
--   KEY                       (optional: send a fresh Idempotency-Key on each request)
--   ---
--   <path>[TAB<body>]
-- Each thread takes every n-th line, so a row (a pair to file, a case to accept) is
-- sent by one thread only; a thread that runs out of rows starts over (and the
-- repeats show up as non-2xx answers).

local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local file, run = args[1], args[2] or "run"
  nthreads = tonumber(args[3] or "1")
  method, headers, fresh_key, rows = "GET", {}, false, {}
  local body_part, i = false, 0
  for line in io.lines(file) do
    if not body_part then
      if line == "---" then
        body_part = true
      elseif line:sub(1, 7) == "METHOD " then
        method = line:sub(8)
      elseif line:sub(1, 7) == "HEADER " then
        local name, value = line:sub(8):match("^([^:]+):%s*(.*)$")
        headers[name] = value
      elseif line == "KEY" then
        fresh_key = true
      end
    else
      if i % nthreads == tid then
        table.insert(rows, line)
      end
      i = i + 1
    end
  end
  if #rows == 0 then rows = { "/" } end
  pos = 0
  statuses = {}
  tag = run .. "-" .. tid
end

function request()
  pos = pos + 1
  local line = rows[((pos - 1) % #rows) + 1]
  local path, body = line:match("^([^\t]*)\t(.*)$")
  if path == nil then path, body = line, nil end
  local h = {}
  for k, v in pairs(headers) do h[k] = v end
  if fresh_key then h["Idempotency-Key"] = tag .. "-" .. pos end
  return wrk.format(method, path, h, body)
end

function response(status, hdrs, body)
  local k = tostring(status)
  statuses[k] = (statuses[k] or 0) + 1
end

function done(summary, latency, requests)
  local agg = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    if s then
      for k, v in pairs(s) do agg[k] = (agg[k] or 0) + v end
    end
  end
  local parts = {}
  for k, v in pairs(agg) do table.insert(parts, string.format('"%s": %d', k, v)) end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, "mean": %.1f, "max": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.mean, latency.max, e.connect, e.read, e.write, e.status, e.timeout, table.concat(parts, ", ")))
end
