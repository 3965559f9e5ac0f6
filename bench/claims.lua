-- wrk script: every request claims a different (volunteer, shift) pair, so each is a real new claim.
-- bench/claims_http.py writes the data file named in the BENCH_DATA environment variable.
local data = dofile(os.getenv("BENCH_DATA"))
local threads = {}

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  count = 0
  stride = data.threads
end

function request()
  local i = count * stride + offset
  count = count + 1
  local user = (i % #data.users) + 1
  local shift = (math.floor(i / #data.users) % #data.shifts) + 1
  if data.mode == "baseline" then
    return wrk.format("POST", "/claim/" .. data.shifts[shift] .. "/" .. data.users[user])
  end
  return wrk.format("POST", "/api/v1/shifts/" .. data.shifts[shift] .. "/claims",
                    {["Authorization"] = "Bearer " .. data.tokens[user]})
end
