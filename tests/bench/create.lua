-- POST /api/v1/mailboxes: new addresses at the key's domains; each create
-- hashes its password (SHA512-CRYPT) and places the mailbox.
local key = os.getenv("BENCH_KEY")
local threads = 0
local n = 0

setup = function(thread)
	threads = threads + 1
	thread:set("tid", threads)
end

request = function()
	n = n + 1
	local body = string.format('{"address":"new%d-%d-%d@d%d.bench.example",'
	    .. '"password":"Bench-pass-%d-x"}', tid, n, math.random(1e9),
	    math.random(1, 1000), n)
	return wrk.format("POST", "/api/v1/mailboxes", {
	    ["Authorization"] = "Bearer " .. key,
	    ["Content-Type"] = "application/json" }, body)
end
