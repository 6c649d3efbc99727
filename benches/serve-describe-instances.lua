-- wrk script: DescribeInstances, paged, against `ecsim serve` holding many live instances
-- (docs/bench-notes/serve.md).
--   wrk -t2 -c64 -d10s -s benches/serve-describe-instances.lua http://127.0.0.1:PORT/
-- MAX_RESULTS (default 10, the API's default page) sets the page size. WALK=true follows each
-- answer's NextToken, so every wrk thread pages through the listing and starts over at its
-- end (pages from anywhere in the list, not only the first); otherwise every request asks
-- for the first page. ZONE=cn-hangzhou-i adds a ZoneId filter.
local max = os.getenv("MAX_RESULTS") or "10"
local walk = (os.getenv("WALK") or "false") == "true"
local zone = os.getenv("ZONE")
local base = "/?Action=DescribeInstances&Version=2014-05-26&Format=JSON"
  .. "&AccessKeyId=LTAIbenchDUMMYak&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0"
  .. "&SignatureNonce=1&Signature=x&Timestamp=2026-12-01T08%3A56%3A56Z"
  .. "&RegionId=cn-hangzhou&MaxResults=" .. max
if zone then
  base = base .. "&ZoneId=" .. zone
end

local token = ""

request = function()
  local path = base
  if walk and token ~= "" then
    path = path .. "&NextToken=" .. token
  end
  return wrk.format("GET", path)
end

local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if walk then
    token = string.match(body, '"NextToken":"(%x*)"') or ""
  end
end

done = function(summary, latency, requests)
  io.write(string.format("requests/s: %.0f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("non-2xx/3xx: %d\n", summary.errors.status))
  io.write(string.format("latency p50/p99/max ms: %.2f / %.2f / %.2f\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
