-- GET /api/v1/mailboxes/{address}: random addresses of the key's company
-- (Bench 01 owns d1..d1000.bench.example, u1..u100 at each).
local key = os.getenv("BENCH_KEY")

request = function()
	local path = string.format("/api/v1/mailboxes/u%d@d%d.bench.example",
	    math.random(1, 100), math.random(1, 1000))
	return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. key })
end
