-- wrk script: every request asks for the tasks near a random point of Shenzhen's bounding box
-- (the box bench/matching_data.py spreads its tasks over), at the default 5 km radius.
local seeded = false

function request()
  if not seeded then
    math.randomseed(os.time() + math.floor(os.clock() * 1e6))
    seeded = true
  end
  local lat = 22.45 + math.random() * 0.40
  local lon = 113.75 + math.random() * 0.85
  return wrk.format("GET", string.format("/api/v1/tasks?lat=%.5f&lon=%.5f", lat, lon))
end
