-- GET /api/v1/mailboxes?q=…&limit=50 within the key's company: half the
-- searches a prefix of an address (u1 … u100), half a first name, which
-- the display names of about 1 % of the company's mailboxes start with.
local key = os.getenv("BENCH_KEY")
local names = { "maria", "james", "john", "linda", "sarah", "kevin",
    "laura", "peter", "emma", "jacob", "scott", "ryan", "amy", "helen" }

request = function()
	local q
	if math.random(2) == 1 then
		q = "u" .. math.random(1, 100)
	else
		q = names[math.random(#names)]
	end
	return wrk.format("GET", "/api/v1/mailboxes?limit=50&q=" .. q,
	    { ["Authorization"] = "Bearer " .. key })
end
