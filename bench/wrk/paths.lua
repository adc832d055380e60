-- wrk script: rotate over the request paths in a file (one per line; an optional tab
-- and an ETag sends it as If-None-Match), and print the figures as one JSON line.
--   wrk -t2 -c32 -d8s -s bench/wrk/paths.lua http://127.0.0.1:8000 -- paths.txt

local threads = {}
local requests_ = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "r"), "cannot open " .. tostring(args[1]))
  for line in file:lines() do
    local path, etag = line:match("^([^\t]+)\t?(.*)$")
    if path then
      local headers = {}
      for k, v in pairs(wrk.headers) do headers[k] = v end
      if etag ~= "" then headers["If-None-Match"] = etag end
      table.insert(requests_, wrk.format("GET", path, headers))
    end
  end
  file:close()
  assert(#requests_ > 0, "no paths in " .. args[1])
  -- threads start at different places in the list
  counter = (id or 0) * math.floor(#requests_ / 2)
end

function request()
  counter = counter + 1
  return requests_[(counter % #requests_) + 1]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, '
    .. '"read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, '
    .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean))
end
