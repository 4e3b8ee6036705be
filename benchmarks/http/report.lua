-- wrk script: optional method/body/headers from the environment, and a one-line JSON summary.
local method = os.getenv("WRK_METHOD")
local body = os.getenv("WRK_BODY")
local auth = os.getenv("WRK_AUTH")
if method then wrk.method = method end
if body then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
if auth then wrk.headers["Authorization"] = auth end
-- WRK_PATHS: space-separated paths taken in turn (writes that must not hit one row at once).
local paths = {}
for p in string.gmatch(os.getenv("WRK_PATHS") or "", "%S+") do paths[#paths + 1] = p end
if #paths > 0 then
  local i = 0
  request = function()
    i = i % #paths + 1
    return wrk.format(nil, paths[i])
  end
end

done = function(summary, latency, requests)
  local statuses = summary.errors.status
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, ' ..
    '"non_2xx": %d, "socket_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, statuses,
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout))
end
