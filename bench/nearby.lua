-- wrk script: every request asks for the tasks near a random point of Shenzhen's bounding box
-- (the box bench/matching_data.py and bench/load/dataset.py spread their tasks over), at the default 5 km radius.
-- With BENCH_TOKENS naming a file of bearer tokens (one a line), each request carries a random one of them,
-- as the mobile client does (bench/load/run.py); without it the requests are anonymous.
local seeded = false
local tokens = {}
local tokens_file = os.getenv("BENCH_TOKENS")
if tokens_file then
  for line in io.lines(tokens_file) do
    table.insert(tokens, line)
  end
end

function request()
  if not seeded then
    math.randomseed(os.time() + math.floor(os.clock() * 1e6))
    seeded = true
  end
  local lat = 22.45 + math.random() * 0.40
  local lon = 113.75 + math.random() * 0.85
  local headers = {}
  if #tokens > 0 then
    headers["Authorization"] = "Bearer " .. tokens[math.random(#tokens)]
  end
  return wrk.format("GET", string.format("/api/v1/tasks?lat=%.5f&lon=%.5f", lat, lon), headers)
end
