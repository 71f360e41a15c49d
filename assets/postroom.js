"use strict";

// Show the server's and the database's state; refresh every 5 seconds.
async function probe(path, id) {
	const el = document.getElementById(id);
	try {
		const r = await fetch(path, { cache: "no-store" });
		const body = await r.json();
		el.textContent = r.ok ? "ok" : (body.reason || "unavailable");
		el.className = r.ok ? "ok" : "bad";
	} catch (e) {
		el.textContent = "no answer";
		el.className = "bad";
	}
}

function refresh() {
	probe("/healthz", "health");
	probe("/readyz", "ready");
}

refresh();
setInterval(refresh, 5000);
